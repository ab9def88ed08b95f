// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for the restore module (restore-adopt scenario). Frames are
 * FIRST + i * STRIDE, i < N: a page of physical memory each.
 *
 *   restore-test fill SEED FIRST STRIDE N
 *       writes each frame's pattern through /dev/mem
 *   restore-test handback-bad CASE PFN [KEEP_START KEEP_END]
 *       a HANDBACK that must be refused with CASE's reason, changing nothing
 *       (CASE: boot-area not-ram twice count kept busy ranges flags)
 *   restore-test run EXPECT SEED FIRST STRIDE N NREL KEEP_START KEEP_END
 *                    HOLE_START HOLE_END HFIRST HN
 *       HANDBACK of N + NREL frames and HN contiguous frames from HFIRST
 *       (ram[] from /sys/firmware/memmap, less the hole, which must then
 *       stay out of MemTotal), ADOPT of the first N into fresh anonymous
 *       memory, of the HN into a 2 MiB-aligned mapping (zero copy: huge
 *       pages kept huge), RELEASE of the NREL, and every check of the
 *       page's life (EXPECT: zero-copy or copy)
 *
 * Prints "ok NAME", "FAIL NAME: why" and "info KEY=VALUE" lines; exits 1 if
 * anything failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "quickreboot/restore_abi.h"

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))
#define MEMCG_BATCH (64 * PAGE)
#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

static int failed;

static void ok(const char *name)
{
	printf("ok %s\n", name);
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
}

static void check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		ok(name);
		return;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
}

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t number(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "restore-test: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t pattern(uint64_t seed, uint64_t pfn, unsigned int w)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ (pfn << 16) ^ w;
}

static void fill_page(uint64_t *p, uint64_t seed, uint64_t pfn)
{
	unsigned int w;

	for (w = 0; w < WORDS; w++)
		p[w] = pattern(seed, pfn, w);
}

static int cmd_fill(uint64_t seed, uint64_t first, uint64_t stride, uint64_t n)
{
	uint64_t buf[WORDS], i;
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0)
		die("open /dev/mem");
	for (i = 0; i < n; i++) {
		uint64_t pfn = first + i * stride;

		fill_page(buf, seed, pfn);
		if (pwrite(fd, buf, PAGE, pfn * PAGE) != (ssize_t)PAGE)
			die("write /dev/mem");
	}
	close(fd);
	ok("fill");
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return 0;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ret;
}

static uint64_t sysfs_u64(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return UINT64_MAX;
	}
	fclose(f);
	return strtoull(buf, NULL, 0);
}

static uint64_t status(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/restore/status/%s", name);
	return sysfs_u64(path);
}

static int cmp_range(const void *a, const void *b)
{
	const struct qr_restore_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* RAM per the firmware map, ascending, [start, end). */
static struct qr_restore_range *firmware_ram(uint32_t *nr)
{
	static struct qr_restore_range r[256];
	char path[300], type[64];
	struct dirent *d;
	DIR *dir = opendir("/sys/firmware/memmap");
	FILE *f;

	*nr = 0;
	if (!dir)
		die("/sys/firmware/memmap");
	while ((d = readdir(dir)) && *nr < 255) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/type",
			 d->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(type, sizeof(type), f)) {
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		if (strcmp(type, "System RAM\n"))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/start",
			 d->d_name);
		r[*nr].start = sysfs_u64(path);
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/end",
			 d->d_name);
		r[*nr].end = sysfs_u64(path) + 1;
		(*nr)++;
	}
	closedir(dir);
	qsort(r, *nr, sizeof(*r), cmp_range);
	return r;
}

static int dev(void)
{
	int fd = open(QR_RESTORE_DEVICE, O_RDWR);

	if (fd < 0)
		die("open " QR_RESTORE_DEVICE);
	return fd;
}

/* A range that ram[] leaves out, as if the firmware did not call it RAM. */
static struct qr_restore_range hole;

/* ram[] with the hole cut out. */
static void cut_hole(struct qr_restore_range *ram, uint32_t *nr)
{
	uint32_t i;

	if (hole.start == hole.end)
		return;
	for (i = 0; i < *nr; i++) {
		if (ram[i].start < hole.start && hole.end < ram[i].end) {
			memmove(ram + i + 2, ram + i + 1,
				(*nr - i - 1) * sizeof(*ram));
			ram[i + 1].start = hole.end;
			ram[i + 1].end = ram[i].end;
			ram[i].end = hole.start;
			(*nr)++;
			return;
		}
	}
	fprintf(stderr, "restore-test: hole not inside one RAM range\n");
	exit(2);
}

static void handback_args(struct qr_restore_handback *hb, uint64_t *pfns,
			  uint64_t nr, struct qr_restore_range *keep)
{
	uint32_t nr_ram;
	struct qr_restore_range *ram = firmware_ram(&nr_ram);

	cut_hole(ram, &nr_ram);

	memset(hb, 0, sizeof(*hb));
	hb->nr_ram = nr_ram;
	hb->ram = (uintptr_t)ram;
	hb->nr_keep = keep ? 1 : 0;
	hb->keep = (uintptr_t)keep;
	hb->nr_pfns = nr;
	hb->pfns = (uintptr_t)pfns;
}

static int cmd_handback_bad(const char *what, uint64_t pfn,
			    struct qr_restore_range *keep)
{
	struct qr_restore_handback hb;
	struct qr_restore_range bad_ram = { 0x2000, 0x1000 };
	uint64_t pfns[2] = { pfn, pfn }, nr = 1, bad_pfn = pfn;
	uint32_t reason;
	int fd = dev(), ret;

	if (!strcmp(what, "boot-area")) {
		reason = QR_BAD_BOOT_AREA;
	} else if (!strcmp(what, "not-ram")) {
		reason = QR_BAD_NOT_RAM;
	} else if (!strcmp(what, "twice")) {
		reason = QR_BAD_ORDER;
		nr = 2;
	} else if (!strcmp(what, "count")) {
		reason = QR_BAD_COUNT;
		nr = 1ULL << 40;
		bad_pfn = nr;
	} else if (!strcmp(what, "kept")) {
		reason = QR_BAD_KEPT;
	} else if (!strcmp(what, "busy")) {
		reason = QR_BAD_BUSY;
	} else if (!strcmp(what, "ranges")) {
		reason = QR_BAD_RANGES;
		bad_pfn = 0;
	} else if (!strcmp(what, "flags")) {
		reason = QR_BAD_NONE;
		bad_pfn = 0;
	} else {
		fprintf(stderr, "restore-test: unknown case %s\n", what);
		return 2;
	}
	handback_args(&hb, pfns, nr, keep);
	if (!strcmp(what, "ranges")) {
		hb.ram = (uintptr_t)&bad_ram;
		hb.nr_ram = 1;
	}
	if (!strcmp(what, "flags"))
		hb.flags = 1;
	ret = ioctl(fd, QR_RESTORE_IOC_HANDBACK, &hb);
	check(ret == -1 && errno == EINVAL, "refused", "ioctl returned %d (%s)",
	      ret, strerror(errno));
	check(hb.bad_reason == reason, "reason", "bad_reason %u, expected %u",
	      hb.bad_reason, reason);
	check(hb.bad_pfn == bad_pfn, "bad-pfn", "bad_pfn %#llx, expected %#llx",
	      (unsigned long long)hb.bad_pfn, (unsigned long long)bad_pfn);
	check(status("held") == 0 && status("added_bytes") == 0 &&
	      hb.added_bytes == 0, "nothing-changed",
	      "held %llu, added %llu after a refusal",
	      (unsigned long long)status("held"),
	      (unsigned long long)status("added_bytes"));
	close(fd);
	return failed;
}

static uint64_t meminfo_kb(const char *key)
{
	char line[128];
	uint64_t v = 0;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static uint64_t memcg_current(void)
{
	char line[256], path[512];
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f || !fgets(line, sizeof(line), f))
		die("/proc/self/cgroup");
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (strncmp(line, "0::/", 4) || !line[4])
		return UINT64_MAX;
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.current",
		 line + 3);
	return sysfs_u64(path);
}

static void pagemap(const void *addr, uint64_t n, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (uintptr_t)addr / PAGE * 8;

	if (fd < 0 || pread(fd, out, n * 8, off) != (ssize_t)(n * 8))
		die("pagemap");
	close(fd);
}

/* Pages whose PFN is (zero copy) or is not (copy) the frame's; -1 if unmapped. */
static uint64_t pfns_matching(const void *addr, const uint64_t *frames,
			      uint64_t n, uint64_t *pm, uint64_t *not_present)
{
	uint64_t i, same = 0;

	pagemap(addr, n, pm);
	*not_present = 0;
	for (i = 0; i < n; i++) {
		if (!(pm[i] & PM_PRESENT))
			(*not_present)++;
		else if (PM_PFN(pm[i]) == frames[i])
			same++;
	}
	return same;
}

static uint64_t pages_differing(const char *a, const char *b, uint64_t n)
{
	uint64_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (memcmp(a + i * PAGE, b + i * PAGE, PAGE))
			bad++;
	return bad;
}

static int adopt(int fd, void *addr, const uint64_t *pfns, uint64_t nr,
		 struct qr_restore_adopt *a)
{
	memset(a, 0, sizeof(*a));
	a->addr = (uintptr_t)addr;
	a->nr = nr;
	a->pfns = (uintptr_t)pfns;
	return ioctl(fd, QR_RESTORE_IOC_ADOPT, a);
}

static void *map_fresh(uint64_t pages, int flags)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* 4 KiB pages: khugepaged must not collapse (copy) them mid-test. */
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

/* ADOPT refusals, each leaving the frame held. */
static void adopt_refusals(int fd, uint64_t *frames, uint64_t stride)
{
	struct qr_restore_adopt a;
	uint64_t not_held = frames[0] + 1, one = frames[0];
	char *p = map_fresh(2, MAP_PRIVATE);
	char *shared = map_fresh(1, MAP_SHARED);
	volatile char c;
	int ret;

	if (stride > 1) {
		ret = adopt(fd, p, &not_held, 1, &a);
		check(ret == -1 && errno == ENOENT, "adopt-not-held-refused",
		      "ioctl %d (%s)", ret, strerror(errno));
	}
	ret = adopt(fd, shared, &one, 1, &a);
	check(ret == -1 && errno == EINVAL, "adopt-shared-refused",
	      "ioctl %d (%s)", ret, strerror(errno));
	ret = adopt(fd, p + 1, &one, 1, &a);
	check(ret == -1 && errno == EINVAL, "adopt-unaligned-refused",
	      "ioctl %d (%s)", ret, strerror(errno));
	memset(&a, 0, sizeof(a));
	a.addr = (uintptr_t)p;
	a.nr = 1;
	a.pfns = (uintptr_t)&one;
	a.flags = 1;
	ret = ioctl(fd, QR_RESTORE_IOC_ADOPT, &a);
	check(ret == -1 && errno == EINVAL, "adopt-flags-refused",
	      "ioctl %d (%s)", ret, strerror(errno));
	ret = adopt(fd, p, frames, 3, &a);
	check(ret == -1 && errno == EINVAL, "adopt-past-mapping-refused",
	      "ioctl %d (%s)", ret, strerror(errno));
	c = p[PAGE];	/* the zero page, now mapped there */
	(void)c;
	ret = adopt(fd, p + PAGE, &one, 1, &a);
	check(ret == -1 && errno == EEXIST, "adopt-over-mapped-refused",
	      "ioctl %d (%s)", ret, strerror(errno));
	check(status("adopted") == 0 && status("copied") == 0,
	      "refusals-adopt-nothing", "adopted %llu copied %llu",
	      (unsigned long long)status("adopted"),
	      (unsigned long long)status("copied"));
	munmap(p, 2 * PAGE);
	munmap(shared, PAGE);
}

static int count_swapped(const uint64_t *pm, uint64_t n)
{
	uint64_t i;
	int s = 0;

	for (i = 0; i < n; i++)
		s += !!(pm[i] & PM_SWAP);
	return s;
}

#define THP_PAGES 512
#define THP_SIZE (THP_PAGES * PAGE)
#define KPF_THP (1ULL << 22)

/* AnonHugePages of the mapping that starts at addr, kB. */
static uint64_t anon_huge_kb(const void *addr)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	unsigned long start;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-", &start) == 1 && strchr(line, '-') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = start == (uintptr_t)addr;
		else if (in && !strncmp(line, "AnonHugePages:", 14))
			v = strtoull(line + 14, NULL, 10);
	}
	if (f)
		fclose(f);
	return v;
}

/* Frames of [first, first + n) that kpageflags calls part of a THP. */
static uint64_t thp_frames(uint64_t first, uint64_t n)
{
	uint64_t *fl = calloc(n, sizeof(*fl)), i, thp = 0;
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (!fl || fd < 0 ||
	    pread(fd, fl, n * 8, first * 8) != (ssize_t)(n * 8))
		die("kpageflags");
	close(fd);
	for (i = 0; i < n; i++)
		thp += !!(fl[i] & KPF_THP);
	free(fl);
	return thp;
}

/* [gap, gap + gap_len) of the huge mapping is unmapped (bytes). */
static size_t gap, gap_len;

/* Pages of a and b (len bytes) that differ, outside the gap. */
static uint64_t outside_gap_differing(const char *a, const char *b,
				       size_t len)
{
	size_t after = gap + gap_len;

	return pages_differing(a, b, gap / PAGE) +
	       pages_differing(a + after, b + after, (len - after) / PAGE);
}

/*
 * Zero copy of the hn contiguous frames from frames[0] (a multiple of 512)
 * into a 2 MiB-aligned mapping: whole 2 MiB runs become THPs, the rest 4 KiB
 * pages. Their life: fork and copy-on-write, a THP split by munmap of half
 * of it, swap out and in, all with the contents and (but for swap) frames
 * kept.
 */
static void huge_run(int fd, int zero_copy, uint64_t seed,
		     const uint64_t *frames, uint64_t hn)
{
	uint64_t nthp = zero_copy ? hn / THP_PAGES : 0, i, *pm, np, cg0, cg1;
	uint64_t huge0, thp0;
	uint64_t adopted0 = status(zero_copy ? "adopted" : "copied");
	size_t len = hn * PAGE;
	struct qr_restore_adopt a;
	char *raw, *mem, *expected;
	double t0, t1;
	int ret, st;
	pid_t child;

	pm = calloc(hn, sizeof(*pm));
	expected = malloc(len);
	raw = mmap(NULL, len + THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!pm || !expected || raw == MAP_FAILED)
		die("huge: memory");
	mem = (char *)(((uintptr_t)raw + THP_SIZE - 1) & ~(uintptr_t)(THP_SIZE - 1));
	/* One VMA starting at mem, whatever the THP policy says. */
	if (mem != raw)
		munmap(raw, mem - raw);
	munmap(mem + len, raw + THP_SIZE - mem);
	madvise(mem, len, MADV_HUGEPAGE);
	for (i = 0; i < hn; i++)
		fill_page((uint64_t *)(expected + i * PAGE), seed, frames[i]);

	huge0 = status("adopted_huge");
	thp0 = meminfo_kb("AnonHugePages");
	cg0 = memcg_current();
	t0 = now_ms();
	ret = adopt(fd, mem, frames, hn, &a);
	t1 = now_ms();
	cg1 = memcg_current();
	if (ret) {
		fail("huge-adopt", "%s (done %llu)", strerror(errno),
		     (unsigned long long)a.done);
		return;
	}
	ok("huge-adopt");
	printf("info huge_adopt_pages=%llu huge_adopt_ms=%.2f huge_us_per_page=%.3f\n",
	       (unsigned long long)hn, t1 - t0, (t1 - t0) * 1e3 / hn);
	check(status("adopted_huge") - huge0 == nthp, "huge-counted",
	      "adopted_huge %llu -> %llu, expected +%llu",
	      (unsigned long long)huge0,
	      (unsigned long long)status("adopted_huge"),
	      (unsigned long long)nthp);
	check(status(zero_copy ? "adopted" : "copied") - adopted0 == hn,
	      "huge-adopted", "adopted or copied +%llu, expected +%llu",
	      (unsigned long long)(status(zero_copy ? "adopted" : "copied") -
				   adopted0),
	      (unsigned long long)hn);
	check(cg1 != UINT64_MAX && cg1 + MEMCG_BATCH >= cg0 + len &&
	      cg1 < cg0 + len + (4 << 20), "huge-memcg-charged",
	      "memory.current %llu -> %llu for %llu pages",
	      (unsigned long long)cg0, (unsigned long long)cg1,
	      (unsigned long long)hn);
	if (zero_copy) {
		check(anon_huge_kb(mem) == nthp * THP_SIZE / 1024, "huge-smaps",
		      "AnonHugePages %llu kB, expected %llu",
		      (unsigned long long)anon_huge_kb(mem),
		      (unsigned long long)nthp * THP_SIZE / 1024);
		check(meminfo_kb("AnonHugePages") - thp0 == nthp * THP_SIZE / 1024,
		      "huge-meminfo", "AnonHugePages %llu -> %llu kB",
		      (unsigned long long)thp0,
		      (unsigned long long)meminfo_kb("AnonHugePages"));
		check(thp_frames(frames[0], hn) == nthp * THP_PAGES,
		      "huge-kpageflags",
		      "%llu of the frames are THP pages, expected %llu",
		      (unsigned long long)thp_frames(frames[0], hn),
		      (unsigned long long)nthp * THP_PAGES);
	}
	gap = len;
	gap_len = 0;
	check(!pages_differing(mem, expected, hn), "huge-contents",
	      "%llu pages differ from the pattern",
	      (unsigned long long)pages_differing(mem, expected, hn));
	if (zero_copy)
		check(pfns_matching(mem, frames, hn, pm, &np) == hn,
		      "huge-pfns", "%llu of %llu pages on their frame, %llu not present",
		      (unsigned long long)pfns_matching(mem, frames, hn, pm, &np),
		      (unsigned long long)hn, (unsigned long long)np);

	/* Copy on write of a THP: the child writes, the parent keeps its data. */
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		memset(mem, 0x5a, len);
		for (i = 0; i < hn; i++)
			if (mem[i * PAGE + 7] != 0x5a)
				_exit(1);
		_exit(0);
	}
	waitpid(child, &st, 0);
	check(WIFEXITED(st) && !WEXITSTATUS(st), "huge-cow-child",
	      "child status %#x", st);
	check(!pages_differing(mem, expected, hn), "huge-cow-parent-intact",
	      "%llu pages changed by the child",
	      (unsigned long long)pages_differing(mem, expected, hn));
	for (i = 0; i < hn; i++) {
		((uint64_t *)(mem + i * PAGE))[0] = ~i;
		((uint64_t *)(expected + i * PAGE))[0] = ~i;
	}
	if (zero_copy)
		check(pfns_matching(mem, frames, hn, pm, &np) == hn,
		      "huge-write-in-place", "parent's pages moved on write");

	/* Half of the last THP unmapped: the PMD is split, the rest stays. */
	if (nthp) {
		gap = (nthp - 1) * THP_SIZE + THP_SIZE / 2;
		gap_len = THP_SIZE / 2;
		check(!munmap(mem + gap, gap_len), "huge-munmap-half",
		      "munmap: %s", strerror(errno));
		check(!outside_gap_differing(mem, expected, len),
		      "huge-split-contents", "%llu pages differ after the split",
		      (unsigned long long)outside_gap_differing(mem, expected,
								  len));
		check(pfns_matching(mem, frames, gap / PAGE, pm, &np) ==
		      gap / PAGE, "huge-split-pfns", "pages moved by the split");
	}

	/* Swap out and back in: the first THP. */
	ret = madvise(mem, THP_SIZE, MADV_PAGEOUT);
	pagemap(mem, THP_PAGES, pm);
	check(!ret && count_swapped(pm, THP_PAGES) == THP_PAGES,
	      "huge-swapped-out", "madvise %d, %d of %d pages in swap", ret,
	      count_swapped(pm, THP_PAGES), THP_PAGES);
	check(!outside_gap_differing(mem, expected, len),
	      "huge-swapped-in-contents", "%llu pages differ after swap-in",
	      (unsigned long long)outside_gap_differing(mem, expected, len));
	free(expected);
	free(pm);
}

static int cmd_run(const char *expect, uint64_t seed, uint64_t first,
		   uint64_t stride, uint64_t n, uint64_t nrel,
		   struct qr_restore_range *keep, uint64_t hfirst, uint64_t hn)
{
	int zero_copy = !strcmp(expect, "zero-copy");
	uint64_t total = n + nrel + hn, i, *frames, *pm, np, same, cg0, cg1;
	uint64_t memtotal0 = meminfo_kb("MemTotal"), memtotal1;
	struct qr_restore_handback hb, hb2;
	struct qr_restore_adopt a;
	struct qr_restore_release rel;
	char *expected, *mem;
	double t0, t1;
	int fd = dev(), ret, status_;
	pid_t child;

	frames = calloc(total, sizeof(*frames));
	pm = calloc(total, sizeof(*pm));
	expected = malloc(n * PAGE);
	if (!frames || !pm || !expected)
		die("malloc");
	for (i = 0; i < n + nrel; i++)
		frames[i] = first + i * stride;
	for (i = 0; i < hn; i++)
		frames[n + nrel + i] = hfirst + i;
	for (i = 0; i < n; i++)
		fill_page((uint64_t *)(expected + i * PAGE), seed, frames[i]);

	handback_args(&hb, frames, total, keep);
	t0 = now_ms();
	ret = ioctl(fd, QR_RESTORE_IOC_HANDBACK, &hb);
	t1 = now_ms();
	if (ret) {
		fail("handback", "%s (bad_pfn %#llx reason %u)", strerror(errno),
		     (unsigned long long)hb.bad_pfn, hb.bad_reason);
		return 1;
	}
	ok("handback");
	printf("info handback_ms=%.1f added_mib=%llu\n", t1 - t0,
	       (unsigned long long)hb.added_bytes >> 20);
	check(hb.mode == (zero_copy ? QR_MODE_ZERO_COPY : QR_MODE_COPY),
	      "handback-mode", "mode %u", hb.mode);
	check(status("held") == total, "held", "held %llu, expected %llu",
	      (unsigned long long)status("held"), (unsigned long long)total);
	check(hb.added_bytes > 0 && status("added_bytes") == hb.added_bytes,
	      "added-bytes", "added %llu, sysfs %llu",
	      (unsigned long long)hb.added_bytes,
	      (unsigned long long)status("added_bytes"));
	/* Held frames are RAM in use from here on (the overcommit check
	 * counts them before a process adopts them). */
	check(meminfo_kb("MemTotal") - memtotal0 ==
	      (hb.added_bytes - (hole.end - hole.start)) / 1024,
	      "handback-memtotal", "MemTotal %llu -> %llu kB, added %llu kB, hole %llu kB",
	      (unsigned long long)memtotal0,
	      (unsigned long long)meminfo_kb("MemTotal"),
	      (unsigned long long)hb.added_bytes / 1024,
	      (unsigned long long)(hole.end - hole.start) / 1024);
	hb2 = hb;
	ret = ioctl(fd, QR_RESTORE_IOC_HANDBACK, &hb2);
	check(ret == -1 && errno == EBUSY, "second-handback-ebusy",
	      "ioctl %d (%s)", ret, strerror(errno));

	adopt_refusals(fd, frames, stride);

	mem = map_fresh(n, MAP_PRIVATE);
	cg0 = memcg_current();
	t0 = now_ms();
	ret = adopt(fd, mem, frames, n, &a);
	t1 = now_ms();
	cg1 = memcg_current();
	if (ret) {
		fail("adopt", "%s (done %llu)", strerror(errno),
		     (unsigned long long)a.done);
		return 1;
	}
	ok("adopt");
	printf("info adopt_pages=%llu adopt_ms=%.2f us_per_page=%.2f mode=%s\n",
	       (unsigned long long)n, t1 - t0, (t1 - t0) * 1e3 / n, expect);
	check(a.done == n && a.mode == hb.mode, "adopt-done",
	      "done %llu mode %u", (unsigned long long)a.done, a.mode);
	check(status(zero_copy ? "adopted" : "copied") == n, "adopt-counted",
	      "adopted %llu copied %llu", (unsigned long long)status("adopted"),
	      (unsigned long long)status("copied"));
	/* memory.current moves by per-CPU batches of up to 64 pages. */
	check(cg1 != UINT64_MAX && cg1 + MEMCG_BATCH >= cg0 + n * PAGE &&
	      cg1 < cg0 + n * PAGE + (4 << 20), "memcg-charged",
	      "memory.current %llu -> %llu for %llu pages",
	      (unsigned long long)cg0, (unsigned long long)cg1,
	      (unsigned long long)n);
	ret = adopt(fd, mem, frames, 1, &a);
	check(ret == -1 && errno == EALREADY, "adopt-again-refused",
	      "ioctl %d (%s)", ret, strerror(errno));

	check(!pages_differing(mem, expected, n), "contents",
	      "%llu pages differ from the pattern",
	      (unsigned long long)pages_differing(mem, expected, n));
	same = pfns_matching(mem, frames, n, pm, &np);
	if (zero_copy) {
		check(same == n, "pfns-are-the-frames",
		      "%llu of %llu pages on their frame, %llu not present",
		      (unsigned long long)same, (unsigned long long)n,
		      (unsigned long long)np);
		for (i = 0; i < n && !(pm[i] & PM_FILE) &&
		     (pm[i] & PM_EXCLUSIVE); i++)
			;
		check(i == n, "anonymous-exclusive",
		      "page %llu: pagemap %#llx", (unsigned long long)i,
		      (unsigned long long)pm[i < n ? i : 0]);
	} else {
		check(same == 0 && np == 0, "pfns-are-copies",
		      "%llu pages on their frame, %llu not present",
		      (unsigned long long)same, (unsigned long long)np);
	}

	/* Writing keeps the page where it is. */
	for (i = 0; i < n; i++) {
		((uint64_t *)(mem + i * PAGE))[0] = ~i;
		((uint64_t *)(expected + i * PAGE))[0] = ~i;
	}
	if (zero_copy)
		check(pfns_matching(mem, frames, n, pm, &np) == n,
		      "write-in-place", "pages moved on write");

	/* Copy on write: the child's writes stay in the child. */
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		for (i = 0; i < n; i++)
			memset(mem + i * PAGE, 0x5a, PAGE);
		for (i = 0; i < n; i++)
			if (mem[i * PAGE + PAGE - 1] != 0x5a)
				_exit(1);
		_exit(0);
	}
	waitpid(child, &status_, 0);
	check(WIFEXITED(status_) && !WEXITSTATUS(status_), "cow-child",
	      "child status %#x", status_);
	check(!pages_differing(mem, expected, n), "cow-parent-intact",
	      "%llu pages changed by the child",
	      (unsigned long long)pages_differing(mem, expected, n));
	if (zero_copy) {
		for (i = 0; i < n; i++)
			((uint64_t *)(mem + i * PAGE))[1] ^= 1;
		for (i = 0; i < n; i++)
			((uint64_t *)(expected + i * PAGE))[1] ^= 1;
		check(pfns_matching(mem, frames, n, pm, &np) == n,
		      "cow-parent-keeps-frames",
		      "parent's pages moved after the child's exit");
	}

	/* Migration, where compaction picks these pages: contents survive. */
	if (write_file("/proc/sys/vm/compact_memory", "1")) {
		same = pfns_matching(mem, frames, n, pm, &np);
		printf("info compaction_moved=%llu\n",
		       (unsigned long long)(zero_copy ? n - same - np : 0));
		check(!pages_differing(mem, expected, n), "compaction-contents",
		      "%llu pages differ after compaction",
		      (unsigned long long)pages_differing(mem, expected, n));
	}

	if (hn)
		huge_run(fd, zero_copy, seed, frames + n + nrel, hn);

	rel.nr = nrel;
	rel.pfns = (uintptr_t)(frames + n);
	rel.released = 0;
	memtotal1 = meminfo_kb("MemTotal");
	ret = nrel ? ioctl(fd, QR_RESTORE_IOC_RELEASE, &rel) : 0;
	check(!ret && rel.released == nrel && status("released") == nrel &&
	      status("held") == 0, "release",
	      "ioctl %d, released %llu, sysfs released %llu held %llu", ret,
	      (unsigned long long)rel.released,
	      (unsigned long long)status("released"),
	      (unsigned long long)status("held"));
	check(meminfo_kb("MemTotal") == memtotal1, "release-memtotal-same",
	      "MemTotal %llu -> %llu kB: released frames were counted already",
	      (unsigned long long)memtotal1,
	      (unsigned long long)meminfo_kb("MemTotal"));
	if (nrel) {
		rel.nr = 1;
		ret = ioctl(fd, QR_RESTORE_IOC_RELEASE, &rel);
		check(ret == -1 && errno == EALREADY, "release-again-refused",
		      "ioctl %d (%s)", ret, strerror(errno));
	}
	/* All of it, but for the pages ram[] does not call RAM. */
	check(meminfo_kb("MemTotal") - memtotal0 ==
	      (hb.added_bytes - (hole.end - hole.start)) / 1024,
	      "memtotal-grew", "MemTotal %llu -> %llu kB, added %llu kB, hole %llu kB",
	      (unsigned long long)memtotal0,
	      (unsigned long long)meminfo_kb("MemTotal"),
	      (unsigned long long)hb.added_bytes / 1024,
	      (unsigned long long)(hole.end - hole.start) / 1024);

	/* Swap out and back in. */
	ret = madvise(mem, n * PAGE, MADV_PAGEOUT);
	pagemap(mem, n, pm);
	check(!ret && count_swapped(pm, n) == (int)n, "swapped-out",
	      "madvise %d, %d of %llu pages in swap", ret,
	      count_swapped(pm, n), (unsigned long long)n);
	check(!pages_differing(mem, expected, n), "swapped-in-contents",
	      "%llu pages differ after swap-in",
	      (unsigned long long)pages_differing(mem, expected, n));
	close(fd);
	return failed;
}

int main(int argc, char **argv)
{
	struct qr_restore_range keep;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "fill"))
		return cmd_fill(number(argv[2]), number(argv[3]),
				number(argv[4]), number(argv[5]));
	if ((argc == 4 || argc == 6) && !strcmp(argv[1], "handback-bad")) {
		if (argc == 6) {
			keep.start = number(argv[4]);
			keep.end = number(argv[5]);
		}
		return cmd_handback_bad(argv[2], number(argv[3]),
					argc == 6 ? &keep : NULL);
	}
	if (argc == 14 && !strcmp(argv[1], "run")) {
		keep.start = number(argv[8]);
		keep.end = number(argv[9]);
		hole.start = number(argv[10]);
		hole.end = number(argv[11]);
		return cmd_run(argv[2], number(argv[3]), number(argv[4]),
			       number(argv[5]), number(argv[6]), number(argv[7]),
			       keep.end ? &keep : NULL, number(argv[12]),
			       number(argv[13]));
	}
	fprintf(stderr, "usage: restore-test fill SEED FIRST STRIDE N | handback-bad CASE PFN [KEEP_START KEEP_END] | run EXPECT SEED FIRST STRIDE N NREL KEEP_START KEEP_END HOLE_START HOLE_END HFIRST HN\n");
	return 2;
}
