// SPDX-License-Identifier: GPL-2.0
/*
 * ram-left [START-END ...]: the KiB of RAM the firmware map has
 * (/sys/firmware/memmap, whole pages) that this kernel does not have as
 * System RAM (/proc/iomem, any depth), outside the hex ranges
 * [START, END) named (what is kept aside on purpose: the shelter, the next
 * boot area). After a hand-back, 0 when every other page was given back.
 *
 * ram-left --partial FRAMES: the memory blocks (but the first, which
 * always has holes) that the firmware's RAM fills only in part, and how
 * many of the frames in FRAMES (zc-keep's frames-before, one u64 each) lie
 * in each: "partial=START-END:N,...".
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull
#define MAX 4096

struct range {
	uint64_t s, e;	/* [s, e) */
};

static struct range ram[MAX], cover[MAX];
static int nram, ncover;

static uint64_t hex_file(const char *dir, const char *name)
{
	char p[512];
	unsigned long long v = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f || fscanf(f, "%llx", &v) != 1) {
		fprintf(stderr, "ram-left: %s unreadable\n", p);
		exit(2);
	}
	fclose(f);
	return v;
}

static void add(struct range *r, int *n, uint64_t s, uint64_t e)
{
	if (*n == MAX || s >= e)
		return;
	r[*n].s = s;
	r[(*n)++].e = e;
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

static void read_fwram(void)
{
	DIR *d = opendir("/sys/firmware/memmap");
	struct dirent *de;

	if (!d) {
		perror("ram-left: /sys/firmware/memmap");
		exit(2);
	}
	while ((de = readdir(d))) {
		char dir[300], type[64] = "", p[512];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/firmware/memmap/%s", de->d_name);
		snprintf(p, sizeof(p), "%s/type", dir);
		f = fopen(p, "r");
		if (!f || !fgets(type, sizeof(type), f))
			exit(2);
		fclose(f);
		if (strcmp(type, "System RAM\n"))
			continue;
		/* Whole pages only, as the kernel counts them. */
		add(ram, &nram, (hex_file(dir, "start") + PAGE - 1) / PAGE * PAGE,
		    (hex_file(dir, "end") + 1) / PAGE * PAGE);
	}
	closedir(d);
	qsort(ram, nram, sizeof(*ram), by_start);
}

static void read_sysram(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];

	if (!f) {
		perror("ram-left: /proc/iomem");
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char name[200];

		if (sscanf(line, " %llx-%llx : %199[^\n]", &s, &e, name) == 3 &&
		    !strncmp(name, "System RAM", 10))
			add(cover, &ncover, s, e + 1);
	}
	fclose(f);
}

/* Bytes of [s, e) that no cover range holds (cover sorted). */
static uint64_t uncovered(uint64_t s, uint64_t e)
{
	uint64_t at = s, n = 0;

	for (int i = 0; i < ncover && at < e; i++) {
		if (cover[i].e <= at)
			continue;
		if (cover[i].s >= e)
			break;
		if (cover[i].s > at)
			n += cover[i].s - at;
		if (cover[i].e > at)
			at = cover[i].e;
	}
	return at < e ? n + e - at : n;
}

static uint64_t ram_in(uint64_t s, uint64_t e)
{
	uint64_t n = 0;

	for (int i = 0; i < nram; i++) {
		uint64_t a = ram[i].s > s ? ram[i].s : s;
		uint64_t b = ram[i].e < e ? ram[i].e : e;

		if (a < b)
			n += b - a;
	}
	return n;
}

static int partial(const char *frames)
{
	uint64_t block = hex_file("/sys/devices/system/memory", "block_size_bytes");
	uint64_t top = nram ? ram[nram - 1].e : 0, pfn, n[MAX] = { 0 };
	struct range part[MAX];
	int npart = 0;
	FILE *f;

	for (uint64_t b = block; b < top; b += block) {
		uint64_t r = ram_in(b, b + block);

		if (r && r < block)
			add(part, &npart, b, b + block);
	}
	f = fopen(frames, "r");
	if (!f) {
		perror(frames);
		return 2;
	}
	while (fread(&pfn, sizeof(pfn), 1, f) == 1)
		for (int i = 0; i < npart; i++)
			if (pfn * PAGE >= part[i].s && pfn * PAGE < part[i].e)
				n[i]++;
	fclose(f);
	printf("partial=");
	for (int i = 0; i < npart; i++)
		printf("%s0x%" PRIx64 "-0x%" PRIx64 ":%" PRIu64, i ? "," : "",
		       part[i].s, part[i].e, n[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t left = 0;

	read_fwram();
	if (argc == 3 && !strcmp(argv[1], "--partial"))
		return partial(argv[2]);
	read_sysram();
	for (int i = 1; i < argc; i++) {
		unsigned long long s, e;

		if (sscanf(argv[i], "%llx-%llx", &s, &e) != 2 || s >= e) {
			fprintf(stderr, "usage: ram-left [START-END ...] | ram-left --partial FRAMES\n");
			return 2;
		}
		add(cover, &ncover, s, e);
	}
	qsort(cover, ncover, sizeof(*cover), by_start);
	for (int i = 0; i < nram; i++)
		left += uncovered(ram[i].s, ram[i].e);
	printf("%" PRIu64 "\n", left / 1024);
	return 0;
}
