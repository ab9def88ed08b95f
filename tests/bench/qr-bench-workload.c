/*
 * qr-bench-workload MIB: the process that `make bench-reboot` carries
 * across reboots. Holds MIB MiB of pseudo-random data and a progress
 * counter, and keeps no file open (stdin/out/err aside), so that every
 * method (our checkpoint, CRIU; on a disk or in the shelter) can carry it.
 *
 * Every round (20 ms) it advances the counter and says "QRB tick C" on the
 * console, where the host stamps each line with its own clock: the first
 * tick after the New kernel's banner is the process running again. The
 * process itself does not tell a new boot from the old one: whatever a
 * quick reboot keeps the same for it (its clocks in a time namespace; one
 * day perhaps its boot_id) cannot hide that it printed after the banner.
 *
 * /run/qrb-hush asks for quiet before a checkpoint: it stops ticking, so
 * that it is never frozen with /dev/console open, and says so by renaming
 * the file to /run/qrb-hushed. The next boot's /run has neither, and the
 * ticks start again by themselves. /run/qrb-resumed says "pid=P sum=S
 * counter=0" once the data is ready at start. When /run/qrb-verify
 * appears it checksums its data again, writes "sum=S counter=C" to
 * /run/qrb-result and removes /run/qrb-verify. Files are opened only for
 * these writes, never across a round.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RESUMED "/run/qrb-resumed"
#define VERIFY "/run/qrb-verify"
#define RESULT "/run/qrb-result"
#define HUSH "/run/qrb-hush"
#define HUSHED "/run/qrb-hushed"
#define CHUNK_WORDS (1u << 17)	/* 1 MiB */
#define PAGE_WORDS 512u

static uint64_t checksum(const uint64_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h;
}

/* One MiB of xorshift, copied over the rest with one word of every page
 * made distinct: under TCG the copies are QEMU's own (fast), a generator
 * word by word took 15 s for 1.5 GiB. */
static void fill(uint64_t *d, size_t words)
{
	uint64_t x = 88172645463325252ull;
	size_t chunk = words < CHUNK_WORDS ? words : CHUNK_WORDS;

	for (size_t i = 0; i < chunk; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d[i] = x;
	}
	for (size_t c = chunk; c < words; c += chunk) {
		size_t n = words - c < chunk ? words - c : chunk;

		memcpy(d + c, d, n * sizeof(*d));
		for (size_t i = 0; i < n; i += PAGE_WORDS)
			d[c + i] ^= (c + i) * 0x9e3779b97f4a7c15ull;
	}
}

/* Writes TEXT to PATH (created, truncated), closing it at once. */
static void put(const char *path, int flags, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);

	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		perror(path);
	close(fd);
}

/* Quiet asked for (HUSH, answered at once) or given already (HUSHED): until
 * the next boot's /run, which has neither. */
static int hushed(void)
{
	return !rename(HUSH, HUSHED) || !access(HUSHED, F_OK);
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	uint64_t *d, counter = 0;
	size_t words = argc == 2 ? strtoul(argv[1], NULL, 10) << 17 : 0;
	char line[160];

	if (!words) {
		fprintf(stderr, "usage: qr-bench-workload MIB\n");
		return 2;
	}
	d = mmap(NULL, words * 8, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fill(d, words);
	snprintf(line, sizeof(line), "pid=%d sum=%016llx counter=0\n", getpid(),
		 (unsigned long long)checksum(d, words));
	put(RESUMED, O_CREAT | O_TRUNC, line);
	for (;;) {
		nanosleep(&nap, NULL);
		counter++;
		if (!hushed()) {
			snprintf(line, sizeof(line), "QRB tick %llu\n",
				 (unsigned long long)counter);
			put("/dev/console", O_NOCTTY, line);
		}
		if (!access(VERIFY, F_OK)) {
			snprintf(line, sizeof(line), "sum=%016llx counter=%llu\n",
				 (unsigned long long)checksum(d, words),
				 (unsigned long long)counter);
			put(RESULT, O_CREAT | O_TRUNC, line);
			unlink(VERIFY);
		}
	}
}
