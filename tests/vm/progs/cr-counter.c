/*
 * cr-counter DIR [MIB [KIND]]: a stateful process for checkpoint/restore
 * scenarios. Holds MIB (default 64) MiB of pseudo-random data (KIND: anon,
 * private anonymous memory, the default; sysv, a System V segment marked
 * for removal and attached, i.e. shared memory) and a progress counter; appends one
 * record per round ("%020llu\n") to DIR/progress through one fd kept open
 * (its offset must survive); keeps values in xmm/ymm registers during each
 * round's spin and checks them at its end (the FPU state must survive a
 * checkpoint that lands mid-spin); sleeps between rounds (a checkpoint in
 * nanosleep must resume). When DIR/verify appears it writes DIR/result:
 * "pid=P sum=S counter=C fpu_bad=N rounds_ok=R" and removes DIR/verify.
 * DIR/info holds "pid=P sum=S" from the start.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define SPIN 30000000ul

static uint64_t checksum(const uint64_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h;
}

/* Adds 1 to both 64-bit lanes of xmm8 n times; both must equal n. */
static int spin_sse(uint64_t n)
{
	uint64_t lo, hi;

	__asm__ volatile("pxor %%xmm8, %%xmm8\n\t"
			 "pcmpeqd %%xmm9, %%xmm9\n\t"
			 "psrlq $63, %%xmm9\n\t"
			 "mov %2, %%rcx\n"
			 "1:\n\t"
			 "paddq %%xmm9, %%xmm8\n\t"
			 "dec %%rcx\n\t"
			 "jnz 1b\n\t"
			 "movq %%xmm8, %0\n\t"
			 "pextrq $1, %%xmm8, %1"
			 : "=r"(lo), "=r"(hi) : "r"(n) : "rcx", "xmm8", "xmm9", "cc");
	return lo == n && hi == n;
}

/* The same on the four lanes of ymm8: the upper halves are AVX state. */
__attribute__((target("avx2"))) static int spin_avx(uint64_t n)
{
	uint64_t l[4];

	__asm__ volatile("vpxor %%ymm8, %%ymm8, %%ymm8\n\t"
			 "vpcmpeqd %%ymm9, %%ymm9, %%ymm9\n\t"
			 "vpsrlq $63, %%ymm9, %%ymm9\n\t"
			 "mov %1, %%rcx\n"
			 "1:\n\t"
			 "vpaddq %%ymm9, %%ymm8, %%ymm8\n\t"
			 "dec %%rcx\n\t"
			 "jnz 1b\n\t"
			 "vmovdqu %%ymm8, %0\n\t"
			 "vzeroupper"
			 : "=m"(l) : "r"(n) : "rcx", "xmm8", "xmm9", "cc");
	return l[0] == n && l[1] == n && l[2] == n && l[3] == n;
}

int main(int argc, char **argv)
{
	char path[4096], rec[32];
	uint64_t *d, x = 88172645463325252ull, counter = 0, bad = 0, ok = 0, sum;
	int avx = __builtin_cpu_supports("avx2"), fd;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	size_t data = (argc > 2 ? strtoul(argv[2], NULL, 10) : 64) << 20;
	FILE *f;

	const char *kind = argc > 3 ? argv[3] : "anon";
	int seg;

	if (argc < 2 || argc > 4 || !data ||
	    (strcmp(kind, "anon") && strcmp(kind, "sysv"))) {
		fprintf(stderr, "usage: cr-counter DIR [MIB [anon|sysv]]\n");
		return 2;
	}
	if (!strcmp(kind, "sysv")) {
		seg = shmget(IPC_PRIVATE, data, IPC_CREAT | 0600);
		d = seg < 0 ? MAP_FAILED : shmat(seg, NULL, 0);
		if (d == (void *)-1 || shmctl(seg, IPC_RMID, NULL))
			return 1;
	} else {
		d = mmap(NULL, data, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	if (d == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < data / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d[i] = x;
	}
	sum = checksum(d, data / 8);
	snprintf(path, sizeof(path), "%s/info", argv[1]);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "pid=%d sum=%016llx avx=%d\n", getpid(), (unsigned long long)sum, avx);
	fclose(f);
	snprintf(path, sizeof(path), "%s/progress", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	for (;;) {
		int good = avx ? spin_avx(SPIN) : spin_sse(SPIN);

		good ? ok++ : bad++;
		counter++;
		snprintf(rec, sizeof(rec), "%020llu\n", (unsigned long long)counter);
		if (write(fd, rec, 21) != 21)
			return 1;
		snprintf(path, sizeof(path), "%s/verify", argv[1]);
		if (!access(path, F_OK)) {
			snprintf(path, sizeof(path), "%s/result", argv[1]);
			f = fopen(path, "w");
			if (f) {
				fprintf(f, "pid=%d sum=%016llx counter=%llu fpu_bad=%llu rounds_ok=%llu\n",
					getpid(), (unsigned long long)checksum(d, data / 8),
					(unsigned long long)counter, (unsigned long long)bad,
					(unsigned long long)ok);
				fclose(f);
			}
			snprintf(path, sizeof(path), "%s/verify", argv[1]);
			unlink(path);
		}
		nanosleep(&nap, NULL);
	}
}
