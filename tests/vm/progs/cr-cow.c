/*
 * cr-cow DIR MIB: copy-on-write sharing between a parent and 3 children
 * since fork, as a forking server has it. The parent fills MIB MiB of
 * private anonymous memory (generation 1) and forks 3 children; child k
 * (1..3) then writes its own pattern into the pages p with p % 8 == k,
 * and the parent writes generation 2 into the pages p % 16 == 0 (which
 * the children keep as generation 1: shared among them, not with it).
 * DIR/info holds "pid=P children=C1,C2,C3" once all is written.
 *
 * When DIR/verify appears, each process checks its own contents page by
 * page, then counts the pages of the area it shares with another process
 * (smaps' Shared_Clean + Shared_Dirty), then each child writes a marker
 * into page 8 * (k + 8) + 4, shared by all, and reports in DIR/result.K.
 * The parent waits for the three, checks its contents again (a child's
 * write must not show in it), and writes DIR/result:
 *   "pid=P data=1 shared=N children=3 cow=1 min_shared=M"
 * data: its own contents and every child's as expected; shared: its own
 * count of shared pages; children: the children whose contents were
 * right; cow: after the children's writes, its pages are its own still;
 * min_shared: the least count of shared pages among all four. Then it
 * removes DIR/verify and the children's results. The markers stay
 * written: the next check expects them.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define WORDS (PAGE / 8)
#define KIDS 3

static uint64_t *area;
static size_t pages;
static int me;			/* 0: the parent, else the child's k */
static int marked;		/* a child wrote its marker */

static uint64_t pattern(int who, int gen, size_t page, size_t i)
{
	return 0x434f570000000000ull ^ ((uint64_t)who << 36) ^
		((uint64_t)gen << 32) ^ (page << 9) ^ i;
}

static size_t marker_page(int k)
{
	return 8 * (k + 8) + 4;
}

/* What page holds in this process: (who, gen) of its pattern. */
static void expected(size_t p, int *who, int *gen)
{
	*who = 0;
	*gen = 1;
	if (me && p % 8 == (size_t)me)
		*who = me;
	else if (me && marked && p == marker_page(me))
		*who = me, *gen = 3;
	else if (!me && p % 16 == 0)
		*gen = 2;
}

static void fill(size_t p, int who, int gen)
{
	for (size_t i = 0; i < WORDS; i++)
		area[p * WORDS + i] = pattern(who, gen, p, i);
}

static int data_ok(void)
{
	for (size_t p = 0; p < pages; p++) {
		int who, gen;

		expected(p, &who, &gen);
		for (size_t i = 0; i < WORDS; i++)
			if (area[p * WORDS + i] != pattern(who, gen, p, i))
				return 0;
	}
	return 1;
}

/* Pages of the area mapped by more than one process (smaps). */
static long shared_pages(void)
{
	char line[512], want[32];
	long kb = 0, v;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)area);
	while (f && fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		else if (in && (sscanf(line, "Shared_Clean: %ld", &v) == 1 ||
				sscanf(line, "Shared_Dirty: %ld", &v) == 1))
			kb += v;
	}
	if (f)
		fclose(f);
	return kb / 4;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512], tmp[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, path))
		perror(path);
}

static int exists(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static long kv(const char *dir, const char *name, const char *key)
{
	char path[512], text[256], *at;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	at = strstr(text, key);
	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

static void child_loop(const char *dir)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	char name[32], text[128];

	snprintf(name, sizeof(name), "result.%d", me);
	for (;; nanosleep(&nap, NULL)) {
		int data;
		long shared;

		if (getppid() == 1)
			exit(0);
		if (!exists(dir, "verify") || exists(dir, name))
			continue;
		data = data_ok();
		shared = shared_pages();
		fill(marker_page(me), me, 3);
		marked = 1;
		snprintf(text, sizeof(text), "data=%d shared=%ld\n", data, shared);
		put(dir, name, text);
	}
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	pid_t kids[KIDS];
	char text[256], name[32];
	const char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: cr-cow DIR MIB\n");
		return 2;
	}
	dir = argv[1];
	pages = strtoul(argv[2], NULL, 10) * 256;
	area = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || pages <= marker_page(KIDS)) {
		perror("mmap");
		return 1;
	}
	for (size_t p = 0; p < pages; p++)
		fill(p, 0, 1);
	for (int k = 1; k <= KIDS; k++) {
		kids[k - 1] = fork();
		if (kids[k - 1] < 0) {
			perror("fork");
			return 1;
		}
		if (!kids[k - 1]) {
			me = k;
			for (size_t p = k; p < pages; p += 8)
				fill(p, k, 1);
			snprintf(name, sizeof(name), "ready.%d", k);
			put(dir, name, "1\n");
			child_loop(dir);
		}
	}
	for (size_t p = 0; p < pages; p += 16)
		fill(p, 0, 2);
	for (int k = 1; k <= KIDS; k++) {
		snprintf(name, sizeof(name), "ready.%d", k);
		while (!exists(dir, name))
			nanosleep(&nap, NULL);
	}
	snprintf(text, sizeof(text), "pid=%d children=%d,%d,%d\n", getpid(),
		 kids[0], kids[1], kids[2]);
	put(dir, "info", text);
	for (;; nanosleep(&nap, NULL)) {
		long shared, least, s;
		int data, children = 0, cow;

		if (!exists(dir, "verify"))
			continue;
		data = data_ok();
		shared = shared_pages();
		least = shared;
		for (int k = 1; k <= KIDS; k++) {
			snprintf(name, sizeof(name), "result.%d", k);
			for (int t = 0; t < 3000 && !exists(dir, name); t++)
				nanosleep(&nap, NULL);
			children += kv(dir, name, "data=") == 1;
			s = kv(dir, name, "shared=");
			if (s < least)
				least = s;
		}
		cow = data_ok();
		snprintf(text, sizeof(text),
			 "pid=%d data=%d shared=%ld children=%d cow=%d min_shared=%ld\n",
			 getpid(), data, shared, children, cow, least);
		put(dir, "result", text);
		snprintf(name, sizeof(name), "%s/verify", dir);
		unlink(name);
		for (int k = 1; k <= KIDS; k++) {
			snprintf(name, sizeof(name), "%s/result.%d", dir, k);
			unlink(name);
		}
	}
}
