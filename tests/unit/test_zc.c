/* Zero copy: page runs in the image, the boot area, the confined command
 * line, the runs a checkpoint builds from a PFN map, the IBT prediction. */
#include <stdlib.h>

#include "boot/bootarea.h"
#include "checkpoint/zc.h"
#include "boot/confine.h"
#include "boot/first_block.h"
#include "image/image.h"
#include "test.h"
#include "boot/zc_mode.h"

#define MIB (1ull << 20)

static uint8_t regs[QRI_REGS_SIZE];

/* One process with an anonymous area at 0x10000000 of 16 pages. */
static void base(struct qri_writer *w, uint32_t pid)
{
	struct qri_process p = { .pid = pid, .comm = "zc" };
	struct qri_thread t = { .pid = pid, .tid = pid, .regs_len = sizeof(regs) };
	struct qri_vma v = { .pid = pid, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000000, .end = 0x10010000,
			     .pages_offset = QRI_NO_PAGES };

	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	qri_add_vma(w, &v, NULL);
}

static int parse(struct qri_writer *w, struct qri_image *img, struct qr_err *e)
{
	int rc;

	CHECK(!qri_finish(w));
	rc = qri_parse(w->buf, w->len, img, e);
	qri_writer_free(w);
	return rc;
}

static void runs_refused(const struct qri_page_run *r, uint64_t n,
			 const char *needle)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	qri_writer_init(&w, "test");
	base(&w, 42);
	qri_add_page_runs(&w, 42, 0x10000000, r, n);
	if (!parse(&w, &img, &e)) {
		qri_free(&img);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", "", needle);
		return;
	}
	CHECK_HAS(e.msg, needle);
}

TEST(zc_runs_round_trip)
{
	struct qri_page_run r[] = {
		{ .addr = 0x10000000, .count = 2, .where = 0x50000, .kind = QRI_RUN_FRAMES },
		{ .addr = 0x10002000, .count = 1, .where = 0x3000, .kind = QRI_RUN_COPY },
		{ .addr = 0x10004000, .count = 3, .where = 0x40000, .kind = QRI_RUN_FRAMES },
	};
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	qri_writer_init(&w, "test");
	base(&w, 42);
	qri_add_page_runs(&w, 42, 0x10000000, r, 3);
	CHECK(!parse(&w, &img, &e));
	CHECK_U64(img.procs[0].vmas[0].nruns, 3);
	CHECK_U64(img.procs[0].vmas[0].runs[2].where, 0x40000);
	CHECK_U64(img.nframes, 5);
	CHECK_U64(img.frames[0], 0x40000);
	CHECK_U64(img.frames[4], 0x50001);
	qri_free(&img);
}

TEST(zc_runs_refused)
{
	struct qri_page_run r[2] = {
		{ .addr = 0x10000000, .count = 2, .where = 0x50000, .kind = QRI_RUN_FRAMES },
		{ .addr = 0x10004000, .count = 1, .where = 0x50001, .kind = QRI_RUN_FRAMES },
	};

	runs_refused(r, 2, "frame 0x50001 is listed twice");
	r[1].where = 0x60000;
	r[1].addr = 0x10001000;
	runs_refused(r, 2, "is not inside");
	r[1].addr = 0x10004000;
	r[1].count = 13;
	runs_refused(r, 2, "is not inside");
	r[1].count = 0;
	runs_refused(r, 2, "is not inside");
	r[1].count = 1;
	r[1].kind = 7;
	runs_refused(r, 2, "unknown kind 7");
	r[1].kind = QRI_RUN_FRAMES;
	r[1].where = QRI_MAX_PFN - 1;
	r[1].count = 2;
	runs_refused(r, 2, "beyond any physical address");
	r[1].where = 0x60000;
	r[1].count = 1;
	r[1].addr = 0x10004001;
	runs_refused(r, 2, "is not inside");
	r[1].addr = 0x10004000;
	r[1].kind = QRI_RUN_COPY;
	r[1].where = 0x123;
	runs_refused(r, 2, "not page aligned");
	runs_refused(r, 0, "do not fill");
}

TEST(zc_runs_need_their_area)
{
	struct qri_page_run r = { .addr = 0x10000000, .count = 1, .where = 5,
				  .kind = QRI_RUN_FRAMES };
	struct qri_vma saved = { .pid = 42, .prot = 3, .flags = QRI_VMA_ANON,
				 .start = 0x20000000, .end = 0x20001000,
				 .pages_offset = 0 };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	qri_writer_init(&w, "test");
	base(&w, 42);
	qri_add_page_runs(&w, 42, 0x10000000, &r, 1);
	qri_add_page_runs(&w, 42, 0x10000000, &r, 1);
	CHECK(parse(&w, &img, &e));
	CHECK_HAS(e.msg, "has runs already");

	qri_writer_init(&w, "test");
	base(&w, 42);
	qri_add_vma(&w, &saved, NULL);
	r.addr = 0x20000000;
	qri_add_page_runs(&w, 42, 0x20000000, &r, 1);
	CHECK(parse(&w, &img, &e));
	CHECK_HAS(e.msg, "saved whole");

	qri_writer_init(&w, "test");
	base(&w, 42);
	qri_add_page_runs(&w, 43, 0x10000000, &r, 1);
	CHECK(parse(&w, &img, &e));
	CHECK_HAS(e.msg, "pid 43 has no process record");
}

/* A 2 GiB guest: RAM [0, 0x9fc00) and [1 MiB, 2 GiB - 128 KiB); boot area
 * [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB). */
static void view(struct qr_memview *m, bool cold)
{
	memset(m, 0, sizeof(*m));
	qr_spans_add(&m->fwram, 0x1000, 0x9fc00);
	qr_spans_add(&m->fwram, MIB, 0x7ffe0000);
	qr_spans_add(&m->reserved, 0x30000000, 0x38000000);
	m->has_shelter = true;
	m->shelter = (struct qr_range){ 0x30000000, 128 * MIB };
	m->block = 128 * MIB;
	if (cold) {
		qr_spans_add(&m->reserved, 0x10000000, 0x28000000);
		qr_spans_add(&m->sysram, 0x1000, 0x9fc00);
		qr_spans_add(&m->sysram, MIB, 0x10000000);
		qr_spans_add(&m->sysram, 0x28000000, 0x30000000);
		qr_spans_add(&m->sysram, 0x38000000, 0x7ffe0000);
	}
}

static void drop(struct qr_memview *m)
{
	qr_spans_free(&m->fwram);
	qr_spans_free(&m->sysram);
	qr_spans_free(&m->reserved);
}

TEST(zc_boot_area_found_at_cold_boot)
{
	struct qr_memview m;
	struct qr_span b;
	struct qr_err e;

	view(&m, true);
	CHECK(!qr_bootarea_find(&m, &b, &e));
	CHECK_U64(b.start, 0x10000000);
	CHECK_U64(b.end, 0x28000000);
	drop(&m);
}

/* A New kernel confined to [256 MiB, 640 MiB) that handed back all but
 * the next boot area [1 GiB, 1.375 GiB) and partial blocks. */
TEST(zc_boot_area_found_after_hand_back)
{
	struct qr_memview m;
	struct qr_span b;
	struct qr_err e;

	view(&m, false);
	qr_spans_add(&m.reserved, 0x8000000, 0x10000000);
	qr_spans_add(&m.reserved, 0x28000000, 0x30000000);
	qr_spans_add(&m.reserved, 0x38000000, 0x7ffe0000);
	qr_spans_add(&m.sysram, 0x1000, 0x9fc00);
	qr_spans_add(&m.sysram, MIB, 0x28000000);
	qr_spans_add(&m.sysram, 0x28000000, 0x30000000);
	qr_spans_add(&m.sysram, 0x38000000, 0x40000000);
	qr_spans_add(&m.sysram, 0x58000000, 0x78000000);
	m.has_named = true;
	m.named = (struct qr_range){ 0x10000000, 384 * MIB };
	CHECK(!qr_bootarea_find(&m, &b, &e));
	CHECK_U64(b.start, 0x40000000);
	CHECK_U64(b.end, 0x58000000);
	drop(&m);
}

TEST(zc_no_boot_area)
{
	struct qr_memview m;
	struct qr_span b;
	struct qr_err e;

	view(&m, false);
	qr_spans_add(&m.sysram, MIB, 0x30000000);
	qr_spans_add(&m.sysram, 0x38000000, 0x7ffe0000);
	CHECK(qr_bootarea_find(&m, &b, &e) == 1);
	m.block = 1000;
	CHECK(qr_bootarea_find(&m, &b, &e) == -1);
	CHECK_HAS(e.msg, "not a page multiple");
	drop(&m);
}

TEST(zc_hidden_ram_and_hide)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	struct qr_spans h;

	view(&m, true);
	CHECK(!qr_bootarea_hide(&m, &b, &h));
	CHECK_U64(h.n, 3);
	CHECK_U64(h.s[0].start, 128 * MIB);
	CHECK_U64(h.s[0].end, 0x10000000);
	CHECK_U64(h.s[1].start, 0x28000000);
	CHECK_U64(h.s[1].end, 0x30000000);
	CHECK_U64(h.s[2].start, 0x38000000);
	CHECK_U64(h.s[2].end, 0x7ffe0000);
	qr_spans_free(&h);
	drop(&m);
}

TEST(zc_next_boot_area_avoids_frames)
{
	struct qr_spans hidden = { 0 };
	uint64_t frames[] = { 0x40000, 0x58000, 0x70000 };
	struct qr_span n;

	qr_spans_add(&hidden, 0x28000000, 0x30000000);
	qr_spans_add(&hidden, 0x38000000, 0x7ffe0000);
	/* Highest window below 4 GiB without a frame: */
	CHECK(!qr_bootarea_next(&hidden, frames, 3, 256 * MIB, 128 * MIB, &n));
	CHECK_U64(n.start, 0x60000000);
	CHECK_U64(n.end, 0x70000000);
	CHECK(qr_bootarea_next(&hidden, frames, 3, 1024 * MIB, 128 * MIB, &n) == 1);
	CHECK(!qr_bootarea_next(&hidden, NULL, 0, 200 * MIB, 128 * MIB, &n));
	CHECK_U64(n.end - n.start, 256 * MIB);
	qr_spans_free(&hidden);
}

TEST(zc_frame_fate)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	const char *why;

	view(&m, true);
	CHECK(qr_frame_fate(&m, &b, 0x50000, &why) == QR_FRAME_KEEP);
	CHECK(qr_frame_fate(&m, &b, 0x100, &why) == QR_FRAME_COPY);
	/* Past the first pageblock, the first block may be hidden. */
	CHECK(qr_frame_fate(&m, &b, 0x1ff, &why) == QR_FRAME_COPY);
	CHECK(qr_frame_fate(&m, &b, 0x200, &why) == QR_FRAME_HIDE);
	CHECK(qr_frame_fate(&m, &b, 0x7fff, &why) == QR_FRAME_HIDE);
	CHECK(qr_frame_fate(&m, &b, 0x10000, &why) == QR_FRAME_REFUSE);
	CHECK_HAS(why, "boot area");
	CHECK(qr_frame_fate(&m, &b, 0x30000, &why) == QR_FRAME_REFUSE);
	CHECK_HAS(why, "shelter");
	CHECK(qr_frame_fate(&m, &b, 0x90000, &why) == QR_FRAME_REFUSE);
	CHECK_HAS(why, "not RAM");
	CHECK(qr_frame_fate(&m, &b, UINT64_MAX, &why) == QR_FRAME_REFUSE);
	/* A shelter not block aligned: the rest of its blocks is copied. */
	m.shelter = (struct qr_range){ 0x30200000, 64 * MIB };
	CHECK(qr_frame_fate(&m, &b, 0x30000, &why) == QR_FRAME_COPY);
	CHECK(qr_frame_fate(&m, &b, 0x34500, &why) == QR_FRAME_COPY);
	CHECK(qr_frame_fate(&m, &b, 0x38000, &why) == QR_FRAME_KEEP);
	drop(&m);
}

TEST(zc_copy_ranges)
{
	struct qr_memview m;
	struct qr_spans r;

	view(&m, true);
	CHECK(!qr_zc_copy_ranges(&m, &r));
	CHECK_U64(r.n, 2);
	CHECK_U64(r.s[0].start, 0x1000);
	CHECK_U64(r.s[0].end, 0x9fc00);
	CHECK_U64(r.s[1].start, MIB);
	CHECK_U64(r.s[1].end, 128 * MIB);
	qr_spans_free(&r);
	/* A shelter not block aligned: the RAM beside it in its block. */
	m.shelter = (struct qr_range){ 0x30200000, 64 * MIB };
	qr_spans_add(&m.sysram, 0x30000000, 0x30200000);
	qr_spans_add(&m.sysram, 0x34200000, 0x38000000);
	CHECK(!qr_zc_copy_ranges(&m, &r));
	CHECK_U64(r.n, 4);
	CHECK_U64(r.s[2].start, 0x30000000);
	CHECK_U64(r.s[2].end, 0x30200000);
	CHECK_U64(r.s[3].start, 0x34200000);
	CHECK_U64(r.s[3].end, 0x38000000);
	qr_spans_free(&r);
	drop(&m);
}

TEST(zc_confined_cmdline)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	struct qr_err e;
	char *l;

	view(&m, true);
	l = qr_confine_cmdline("console=ttyS0 memmap=384M$0x10000000 "
			       "memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000 "
			       "quickreboot.bootarea=1G@0x0 -- single", &m, &b, true, NULL, &e);
	CHECK_STR(l, "memmap=128M$0x8000000,128M$0x28000000,0x47fe0000$0x38000000,128M$0x30000000 "
		  "console=ttyS0 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000 "
		  "quickreboot.bootarea=384M@0x10000000 -- single");
	/* The next confinement drops the list and makes its own. */
	free(l);
	l = qr_confine_cmdline("memmap=128M$0x8000000,128M$0x30000000 memmap=128M$0x30000000 "
			       "quickreboot.shelter=128M@0x30000000", &m, &b, true, NULL, &e);
	CHECK_STR(l, "memmap=128M$0x8000000,128M$0x28000000,0x47fe0000$0x38000000,128M$0x30000000 "
		  "memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000 "
		  "quickreboot.bootarea=384M@0x10000000");
	free(l);
	l = qr_confine_cmdline("console=ttyS0 memmap=384M$0x10000000 memmap=1M$0x90000000",
			       &m, &b, false, NULL, &e);
	CHECK_STR(l, "console=ttyS0 memmap=1M$0x90000000 memmap=384M$0x10000000");
	free(l);
	drop(&m);
}

/* Pageblocks of the first block with kept pages: in the hidden list. */
TEST(zc_confined_cmdline_first_block)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	struct qr_spans fb = { 0 };
	struct qr_err e;
	char *l;

	view(&m, true);
	qr_spans_add(&fb, 0x2000000, 0x2400000);
	qr_spans_add(&fb, 0x7e00000, 0x8000000);
	l = qr_confine_cmdline("console=ttyS0 memmap=384M$0x10000000", &m, &b,
			       true, &fb, &e);
	CHECK_STR(l, "memmap=4M$0x2000000,130M$0x7e00000,128M$0x28000000,0x47fe0000$0x38000000,128M$0x30000000 "
		  "console=ttyS0 quickreboot.bootarea=384M@0x10000000");
	free(l);
	/* Copy mode hides nothing, so the list is not its business; it
	 * names no boot area (issue 14, case 8: restore would take the
	 * kernel for confined). */
	l = qr_confine_cmdline("console=ttyS0", &m, &b, false, &fb, &e);
	CHECK_STR(l, "console=ttyS0 memmap=384M$0x10000000");
	free(l);
	/* Outside the first block, or its first pageblock: refused, named. */
	qr_spans_add(&fb, 0x8000000, 0x8200000);
	CHECK(!qr_confine_cmdline("console=ttyS0", &m, &b, true, &fb, &e));
	CHECK_HAS(e.msg, "pageblocks 0x7e00000-0x81fffff are not in the first memory block");
	qr_spans_free(&fb);
	qr_spans_add(&fb, 0, 0x200000);
	CHECK(!qr_confine_cmdline("console=ttyS0", &m, &b, true, &fb, &e));
	CHECK_HAS(e.msg, "past its first pageblock");
	qr_spans_free(&fb);
	/* Not RAM in the firmware map. */
	qr_spans_sub(&m.fwram, 0x3000000, 0x3001000);
	qr_spans_add(&fb, 0x3000000, 0x3200000);
	CHECK(!qr_confine_cmdline("console=ttyS0", &m, &b, true, &fb, &e));
	CHECK_HAS(e.msg, "pageblocks 0x3000000-0x31fffff are not all RAM");
	qr_spans_free(&fb);
	drop(&m);
}

TEST(zc_first_block_file)
{
	struct qr_spans fb = { 0 };
	struct qr_err e;
	char *t;

	qr_spans_add(&fb, 0x2000000, 0x2400000);
	qr_spans_add(&fb, 0x7e00000, 0x8000000);
	t = qr_first_block_format(&fb);
	CHECK_STR(t, "4M$0x2000000,2M$0x7e00000\n");
	qr_spans_free(&fb);
	CHECK(!qr_first_block_parse(t, &fb, &e));
	free(t);
	CHECK_U64(fb.n, 2);
	CHECK_U64(fb.s[0].start, 0x2000000);
	CHECK_U64(fb.s[0].end, 0x2400000);
	CHECK_U64(fb.s[1].end, 0x8000000);
	qr_spans_free(&fb);
	CHECK(qr_first_block_parse("\n", &fb, &e) == -1);
	CHECK(qr_first_block_parse("2M$0x2000000,1M$0x3000000", &fb, &e) == -1);
	CHECK_HAS(e.msg, "entry 2 is not a run of whole 2 MiB pageblocks");
	CHECK(qr_first_block_parse("2M@0x2000000", &fb, &e) == -1);
	CHECK_HAS(e.msg, "entry 1");
	CHECK(qr_first_block_parse("2M$0x2100000", &fb, &e) == -1);
	CHECK(qr_first_block_parse("2M$", &fb, &e) == -1);
	CHECK(!qr_first_block_read("/nonexistent-dir", &fb, &e));
	CHECK_U64(fb.n, 0);
}

TEST(zc_confined_cmdline_too_long)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	struct qr_err e;

	view(&m, true);
	/* Many RAM ranges: more memmap= than the kernel keeps. */
	for (uint64_t a = 0x100000000ull; a < 0x100000000ull + 200 * 0x200000; a += 0x200000)
		qr_spans_add(&m.fwram, a, a + 0x100000);
	CHECK(!qr_confine_cmdline("console=ttyS0", &m, &b, true, NULL, &e));
	CHECK_HAS(e.msg, "the kernel keeps only 2047");
	drop(&m);
}

static struct pfncheck_page page(uint64_t addr, uint64_t pfn, uint32_t flags)
{
	return (struct pfncheck_page){ .addr = addr, .pfn = pfn, .flags = flags };
}

TEST(zc_runs_from_pfn_map)
{
	struct qr_memview m;
	struct qr_span b = { 0x10000000, 0x28000000 };
	struct pfncheck_vma v[] = {
		{ .start = 0x400000, .end = 0x408000, .first_page = 0, .nr_pages = 6 },
		{ .start = 0x600000, .end = 0x604000, .first_page = 6, .nr_pages = 2 },
	};
	struct pfncheck_page p[] = {
		page(0x400000, 0x50000, PFNCHECK_PAGE_ANON),
		page(0x401000, 0x50001, PFNCHECK_PAGE_ANON),
		page(0x402000, 0x60000, PFNCHECK_PAGE_ANON | PFNCHECK_PAGE_HELD),
		page(0x404000, 0x100, PFNCHECK_PAGE_ANON),	/* first block */
		page(0x405000, 0x50010, PFNCHECK_PAGE_ANON),
		page(0x406000, 1, PFNCHECK_PAGE_ZERO),
		page(0x601000, 0x70000, PFNCHECK_PAGE_ANON),
		page(0x602000, 0x70001, 0),	/* clean file page */
	};
	struct qr_zc zc = { .m = &m, .boot = &b, .vmas = v, .nvmas = 2,
			    .pages = p, .npages = 8 };
	struct qri_page_run *r;
	uint64_t off = 0x2000;
	struct qr_err e;
	long n;

	view(&m, true);
	n = qr_zc_runs(&zc, 0x400000, 0x408000, false, &off, &r, &e);
	CHECK(n == 4);
	CHECK(r[0].kind == QRI_RUN_FRAMES && r[0].count == 2 && r[0].where == 0x50000);
	CHECK(r[1].kind == QRI_RUN_COPY && r[1].addr == 0x402000 && r[1].where == 0x2000);
	CHECK(r[2].kind == QRI_RUN_COPY && r[2].addr == 0x404000 && r[2].where == 0x3000);
	CHECK(r[3].kind == QRI_RUN_FRAMES && r[3].addr == 0x405000);
	CHECK_U64(off, 0x4000);
	CHECK_U64(zc.copied_place, 1);
	free(r);
	/* Kept in the first block: its pageblock is to be hidden. */
	p[3].pfn = 0x2345;
	zc.keep_first_block = true;
	n = qr_zc_runs(&zc, 0x400000, 0x408000, false, &off, &r, &e);
	CHECK(n == 4);
	CHECK(r[2].kind == QRI_RUN_FRAMES && r[2].addr == 0x404000 && r[2].where == 0x2345);
	CHECK_U64(zc.kept_first, 1);
	CHECK_U64(zc.hidden.n, 1);
	CHECK_U64(zc.hidden.s[0].start, 0x2200000);
	CHECK_U64(zc.hidden.s[0].end, 0x2400000);
	qr_spans_free(&zc.hidden);
	zc.keep_first_block = false;
	free(r);
	/* A file mapping: everything but its anonymous pages is copied. */
	n = qr_zc_runs(&zc, 0x600000, 0x604000, true, &off, &r, &e);
	CHECK(n == 3);
	CHECK(r[0].kind == QRI_RUN_COPY && r[0].addr == 0x600000 && r[0].count == 1);
	CHECK(r[1].kind == QRI_RUN_FRAMES && r[1].where == 0x70000);
	CHECK(r[2].kind == QRI_RUN_COPY && r[2].addr == 0x602000 && r[2].count == 2);
	CHECK_U64(zc.kept, 3 + 4 + 1);
	free(r);
	/* A frame in the boot area is refused, named. */
	p[7] = page(0x602000, 0x10005, PFNCHECK_PAGE_ANON);
	CHECK(qr_zc_runs(&zc, 0x600000, 0x604000, true, &off, &r, &e) == -1);
	CHECK_HAS(e.msg, "frame 0x10005 of page 0x602000 is inside the boot area");
	drop(&m);
}

TEST(zc_ibt_predicts_copy)
{
	const char *cpu = "processor : 0\nflags\t\t: fpu sse ibt user_shstk\n";
	const char *cfg = "#\nCONFIG_X86_KERNEL_IBT=y\n";

	CHECK(qr_zc_blocker(cpu, cfg, "root=/dev/vda") != NULL);
	CHECK(!qr_zc_blocker(cpu, cfg, "root=/dev/vda ibt=off"));
	CHECK(!qr_zc_blocker(cpu, "#\n# CONFIG_X86_KERNEL_IBT is not set\n", ""));
	CHECK(!qr_zc_blocker("processor : 0\nflags\t\t: fpu ibtx\n", cfg, ""));
	CHECK(!qr_zc_blocker(cpu, NULL, ""));
}
