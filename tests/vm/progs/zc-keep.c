// SPDX-License-Identifier: GPL-2.0
/*
 * zc-keep DIR MIB: a process for the zero-copy scenarios. Holds MIB MiB of
 * pseudo-random anonymous data and a counter that goes up every 50 ms.
 * DIR/info: "pid=P sum=S addr=A pages=N" from the start. Requests, each a
 * file that appears in DIR and that it removes once answered:
 *   dump    writes DIR/frames-before: the frame of each page (pagemap, root)
 *   verify  writes DIR/result: "pid=P sum=S counter=C same=N first=N
 *           moved=N low=N absent=N": pages whose frame is the same as in
 *           frames-before (first: of them, in the first memory block, below
 *           128 MiB), moved, moved from the first memory block (copied
 *           there, not kept), or not present
 *   pageout swaps the data out and back: DIR/paged "swapped=N first=N
 *           sum=S" (page_out())
 *   fork    forks a child that writes every other page and checks that it
 *           sees its own writes and the parent's data elsewhere; the parent
 *           then checks its data is untouched: DIR/forked "child=OK|BAD
 *           parent=OK|BAD"
 * zc-keep --frames DIR: writes DIR/frames-before as dump does, for the
 * process DIR/info names, read from outside (it may be frozen).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define LOW_PFN (128ul << 20 >> 12)

static uint64_t *mem;
static size_t pages;
static char dir[256];

static uint64_t checksum(void)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < pages * PAGE / 8; i++)
		h = (h ^ mem[i]) * 1099511628211ull;
	return h;
}

static int taken(const char *name)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return !unlink(p);
}

static FILE *out(const char *name)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return fopen(p, "w");
}

static void frames_of(const char *pagemap, uintptr_t addr, uint64_t *f)
{
	int pm = open(pagemap, O_RDONLY);

	for (size_t i = 0; i < pages; i++) {
		uint64_t v = 0;

		pread(pm, &v, 8, (addr / PAGE + i) * 8);
		f[i] = v >> 63 ? v & ((1ull << 55) - 1) : 0;
	}
	close(pm);
}

static void frames(uint64_t *f)
{
	frames_of("/proc/self/pagemap", (uintptr_t)mem, f);
}

static void write_frames(const uint64_t *f)
{
	FILE *o = out("frames-before.tmp");
	char a[300], b[300];

	fwrite(f, 8, pages, o);
	fclose(o);
	snprintf(a, sizeof(a), "%s/frames-before.tmp", dir);
	snprintf(b, sizeof(b), "%s/frames-before", dir);
	rename(a, b);
}

static void dump(void)
{
	uint64_t *f = calloc(pages, 8);

	frames(f);
	write_frames(f);
	free(f);
}

/* The frames of the process DIR/info names: 0 when all were present. */
static int dump_from_outside(void)
{
	unsigned long long addr = 0;
	char p[300], pm[64];
	uint64_t *f;
	int pid = 0, rc = 0;
	FILE *in;

	snprintf(p, sizeof(p), "%s/info", dir);
	in = fopen(p, "r");
	if (!in || fscanf(in, "pid=%d sum=%*[0-9] addr=%llx pages=%zu", &pid, &addr,
			  &pages) != 3) {
		fprintf(stderr, "zc-keep: %s unreadable\n", p);
		return 1;
	}
	fclose(in);
	f = calloc(pages, 8);
	snprintf(pm, sizeof(pm), "/proc/%d/pagemap", pid);
	frames_of(pm, addr, f);
	for (size_t i = 0; i < pages; i++)
		rc |= !f[i];
	write_frames(f);
	free(f);
	return rc;
}

static void verify(uint64_t counter)
{
	uint64_t *now = calloc(pages, 8), *before = calloc(pages, 8);
	size_t same = 0, first = 0, moved = 0, low = 0, absent = 0;
	char p[300];
	FILE *in, *o;

	snprintf(p, sizeof(p), "%s/frames-before", dir);
	in = fopen(p, "r");
	if (in) {
		if (fread(before, 8, pages, in) != pages)
			memset(before, 0, pages * 8);
		fclose(in);
	}
	frames(now);
	for (size_t i = 0; i < pages; i++) {
		if (!now[i]) {
			absent++;
		} else if (now[i] == before[i]) {
			same++;
			first += now[i] < LOW_PFN;
		} else if (before[i] && before[i] < LOW_PFN) {
			low++;
		} else {
			moved++;
		}
	}
	o = out("result.tmp");
	fprintf(o, "pid=%d sum=%llu counter=%llu same=%zu first=%zu moved=%zu low=%zu absent=%zu\n",
		getpid(), (unsigned long long)checksum(), (unsigned long long)counter,
		same, first, moved, low, absent);
	fclose(o);
	snprintf(p, sizeof(p), "%s/result.tmp", dir);
	{
		char q[300];

		snprintf(q, sizeof(q), "%s/result", dir);
		rename(p, q);
	}
	free(now);
	free(before);
}

/* Swaps the data out (MADV_PAGEOUT; a swap device is needed) and reads it
 * back: DIR/paged "swapped=N first=N sum=S", the pages that went out, of
 * them those that were in the first memory block, and the checksum after
 * they came back. */
static void page_out(void)
{
	uint64_t *before = calloc(pages, 8);
	size_t swapped = 0, first = 0;
	int pm;
	FILE *o;

	frames(before);
	madvise(mem, pages * PAGE, MADV_PAGEOUT);
	pm = open("/proc/self/pagemap", O_RDONLY);
	for (size_t i = 0; i < pages; i++) {
		uint64_t v = 0;

		pread(pm, &v, 8, ((uintptr_t)mem / PAGE + i) * 8);
		if (v >> 62 & 1) {
			swapped++;
			first += before[i] && before[i] < LOW_PFN;
		}
	}
	close(pm);
	free(before);
	o = out("paged");
	fprintf(o, "swapped=%zu first=%zu sum=%llu\n", swapped, first,
		(unsigned long long)checksum());
	fclose(o);
}

static void fork_cow(void)
{
	uint64_t sum = checksum();
	int st = 0, child_ok;
	pid_t c = fork();
	FILE *o;

	if (c == 0) {
		int ok = 1;

		for (size_t i = 0; i < pages; i += 2)
			mem[i * PAGE / 8] = ~mem[i * PAGE / 8];
		for (size_t i = 0; i < pages; i += 2)
			mem[i * PAGE / 8] = ~mem[i * PAGE / 8];
		ok = checksum() == sum;
		for (size_t i = 0; i < pages; i += 2)
			mem[i * PAGE / 8] ^= 1;
		ok = ok && checksum() != sum;
		_exit(ok ? 0 : 1);
	}
	waitpid(c, &st, 0);
	child_ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	o = out("forked");
	fprintf(o, "child=%s parent=%s\n", child_ok ? "OK" : "BAD",
		checksum() == sum ? "OK" : "BAD");
	fclose(o);
}

int main(int argc, char **argv)
{
	uint64_t x = 0x2545f4914f6cdd1dull ^ (uint64_t)getpid(), counter = 0;
	struct timespec ts = { 0, 50000000 };
	FILE *o;

	if (argc == 3 && !strcmp(argv[1], "--frames")) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		return dump_from_outside();
	}
	if (argc != 3) {
		fprintf(stderr, "usage: zc-keep DIR MIB | zc-keep --frames DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	pages = strtoul(argv[2], NULL, 0) << 8;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < pages * PAGE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		mem[i] = x;
	}
	o = out("info");
	fprintf(o, "pid=%d sum=%llu addr=%lx pages=%zu\n", getpid(),
		(unsigned long long)checksum(), (unsigned long)(uintptr_t)mem, pages);
	fclose(o);
	for (;;) {
		nanosleep(&ts, NULL);
		counter++;
		if (taken("dump"))
			dump();
		if (taken("verify"))
			verify(counter);
		if (taken("fork"))
			fork_cow();
		if (taken("pageout"))
			page_out();
	}
}
