/*
 * cr-shm DIR: shared anonymous memory between a parent and its child.
 * The parent maps 64 pages MAP_SHARED | MAP_ANONYMOUS and 16 pages of
 * /dev/zero MAP_SHARED, writes a pattern into both and forks; the child
 * echoes, every 10 ms, the parent's ping (word 0 of the first area) into
 * word 1 and the first word of /dev/zero's area into word 2, and ends with
 * its parent. DIR/info holds "pid=P child=C" once set up. When DIR/verify
 * appears the parent writes DIR/result:
 *   "pid=P child=C data=1 shared=1 named=1"
 * (data: both areas hold the pattern; shared: a new ping and a new word
 * written now come back from the child, through both areas; named: both
 * areas are "/dev/zero (deleted)" in /proc/self/maps, as the kernel names
 * shared anonymous memory), and removes DIR/verify.
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

#define PAGE 4096
#define ANON_PAGES 64
#define ZERO_PAGES 16
#define WORDS (PAGE / 8)

static uint64_t word(int area, size_t i)
{
	return 0x53484d0000000000ull ^ ((uint64_t)area << 32) ^ i;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Page 0 of the anonymous area is the channel; the rest is pattern. */
static int data_ok(const uint64_t *anon, const uint64_t *zero)
{
	for (size_t i = WORDS; i < ANON_PAGES * WORDS; i++)
		if (anon[i] != word(0, i))
			return 0;
	for (size_t i = 1; i < ZERO_PAGES * WORDS; i++)
		if (zero[i] != word(1, i))
			return 0;
	return 1;
}

/* Both areas named as shared anonymous memory in maps. */
static int named(const void *anon, const void *zero)
{
	char line[512], want[2][32];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	snprintf(want[0], sizeof(want[0]), "%lx-", (unsigned long)anon);
	snprintf(want[1], sizeof(want[1]), "%lx-", (unsigned long)zero);
	while (f && fgets(line, sizeof(line), f))
		for (int k = 0; k < 2; k++)
			if (!strncmp(line, want[k], strlen(want[k])) &&
			    strstr(line, " rw-s ") && strstr(line, "/dev/zero (deleted)"))
				found++;
	if (f)
		fclose(f);
	return found == 2;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	volatile uint64_t *anon, *zero;
	char path[512];
	pid_t child;
	FILE *f;
	int z;

	if (argc != 2) {
		fprintf(stderr, "usage: cr-shm DIR\n");
		return 2;
	}
	anon = mmap(NULL, ANON_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	z = open("/dev/zero", O_RDWR | O_CLOEXEC);
	zero = z < 0 ? MAP_FAILED : mmap(NULL, ZERO_PAGES * PAGE,
					 PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
	if (anon == MAP_FAILED || zero == MAP_FAILED)
		die("mmap");
	close(z);
	for (size_t i = 0; i < ANON_PAGES * WORDS; i++)
		anon[i] = i < WORDS ? 0 : word(0, i);
	for (size_t i = 0; i < ZERO_PAGES * WORDS; i++)
		zero[i] = word(1, i);
	child = fork();
	if (child < 0)
		die("fork");
	while (!child && getppid() != 1) {
		anon[1] = anon[0];
		anon[2] = zero[0];
		nanosleep(&nap, NULL);
	}
	if (!child)
		return 0;
	snprintf(path, sizeof(path), "%s/info", argv[1]);
	f = fopen(path, "w");
	if (!f || fprintf(f, "pid=%d child=%d\n", getpid(), child) < 0 || fclose(f))
		die(path);
	snprintf(path, sizeof(path), "%s/verify", argv[1]);
	for (uint64_t n = 1;; nanosleep(&nap, NULL)) {
		int data, shared = 0;

		if (access(path, F_OK))
			continue;
		data = data_ok((const uint64_t *)anon, (const uint64_t *)zero);
		n++;
		anon[0] = n;
		zero[0] = n * 7;
		for (int t = 0; t < 300 && !shared; t++) {
			shared = anon[1] == n && anon[2] == n * 7;
			nanosleep(&nap, NULL);
		}
		snprintf(path, sizeof(path), "%s/result", argv[1]);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "pid=%d child=%d data=%d shared=%d named=%d\n",
				getpid(), child, data, shared,
				named((const void *)anon, (const void *)zero));
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/verify", argv[1]);
		unlink(path);
	}
}
