// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: do a process's frames stay where they are across a kexec
 * into a New kernel confined to the boot area?
 *
 *   zc-frames fill MIB FILE   fills MIB MiB with pseudo-random data, writes
 *                             each page's frame (from /proc/self/pagemap, as
 *                             root) and checksum to FILE, prints "ready",
 *                             then sleeps (mlocked; run with
 *                             compact_unevictable_allowed=0 so that nothing
 *                             moves it)
 *   zc-frames check FILE FROM reads every frame of FILE at or above physical
 *                             address FROM (below it, the first memory
 *                             block, the New kernel runs too) through
 *                             /dev/mem (mmap: hidden RAM is Reserved and not
 *                             busy, which STRICT_DEVMEM lets root read) and
 *                             compares; prints "pages=N low=N bad=N
 *                             first_bad=PFN" and exits 1 when any page
 *                             differs or none was checked
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

struct entry {
	uint64_t pfn, sum;
};

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static int fill(size_t mib, const char *file)
{
	size_t n = mib << 8;
	uint8_t *mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct entry *e = calloc(n, sizeof(*e));
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	int pm = open("/proc/self/pagemap", O_RDONLY);
	FILE *f;

	if (mem == MAP_FAILED || !e || pm < 0 || mlock(mem, n * PAGE)) {
		perror("zc-frames: fill");
		return 1;
	}
	for (size_t i = 0; i < n * PAGE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		((uint64_t *)mem)[i] = x;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		if (pread(pm, &v, 8, ((uintptr_t)mem / PAGE + i) * 8) != 8 ||
		    !(v >> 63) || !(v & ((1ull << 55) - 1))) {
			fprintf(stderr, "zc-frames: page %zu: no frame in pagemap\n", i);
			return 1;
		}
		e[i].pfn = v & ((1ull << 55) - 1);
		e[i].sum = fnv(mem + i * PAGE, PAGE);
	}
	f = fopen(file, "w");
	if (!f || fwrite(e, sizeof(*e), n, f) != n || fclose(f)) {
		perror(file);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int check(const char *file, uint64_t from)
{
	int mem = open("/dev/mem", O_RDONLY | O_SYNC);
	FILE *f = fopen(file, "r");
	size_t pages = 0, bad = 0, low = 0;
	uint64_t first_bad = 0;
	struct entry e;

	if (mem < 0 || !f) {
		perror("zc-frames: check");
		return 1;
	}
	while (fread(&e, sizeof(e), 1, f) == 1) {
		void *p;

		if (e.pfn * PAGE < from) {
			low++;
			continue;
		}
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, mem,
			       (off_t)(e.pfn * PAGE));

		pages++;
		if (p == MAP_FAILED || fnv(p, PAGE) != e.sum) {
			if (!bad++)
				first_bad = e.pfn;
			if (p == MAP_FAILED && bad == 1)
				fprintf(stderr, "zc-frames: frame 0x%llx: %s\n",
					(unsigned long long)e.pfn, strerror(errno));
		}
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	}
	printf("pages=%zu low=%zu bad=%zu first_bad=0x%llx\n", pages, low, bad,
	       (unsigned long long)first_bad);
	return bad || !pages;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fill"))
		return fill(strtoul(argv[2], NULL, 0), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(argv[2], strtoull(argv[3], NULL, 0));
	fprintf(stderr, "usage: zc-frames fill MIB FILE | check FILE FROM\n");
	return 2;
}
