/* The pure pieces of multi-threaded checkpoint/restore: the signal mask
 * from /proc, the signal frame's size, where the exit stub goes in the
 * old vDSO's copy, and which pages of private file mappings are filled. */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "checkpoint/stat.h"
#include "restore/restore.h"
#include "restore/sigframe.h"
#include "restore/vdso.h"
#include "restorer/restorer.h"
#include "test.h"

TEST(cr_status_sigblk)
{
	struct qr_err e;
	uint64_t m = 1;

	CHECK(!qr_status_sigblk("Name:\tx\nSigPnd:\t0000000000000000\n"
				"SigBlk:\t0000000000014003\nSigIgn:\t0\n", &m, &e));
	CHECK_U64(m, 0x14003);
	CHECK(!qr_status_sigblk("SigBlk:\tfffffffe7ffbfeff", &m, &e));
	CHECK_U64(m, 0xfffffffe7ffbfeffull);
	CHECK(qr_status_sigblk("SigPnd:\t0000000000000000\n", &m, &e) == -1);
	CHECK_HAS(e.msg, "SigBlk");
	CHECK(qr_status_sigblk("SigBlk:\t00000000000140\n", &m, &e) == -1);
	CHECK(qr_status_sigblk("SigBlk:\t000000000001400x\n", &m, &e) == -1);
	CHECK(qr_status_sigblk("SigBlk:\t\n", &m, &e) == -1);
}

/* The frame ends with FP_XSTATE_MAGIC2: the size covers all of it. */
TEST(cr_sigframe_size)
{
	static uint8_t buf[QR_RST_FRAME_MAX], xs[832];
	struct user_regs_struct r = { .cs = 0x33, .ss = 0x2b };
	struct qr_frame_in in = { .regs = &r, .xstate = xs, .xstate_len = sizeof(xs) };
	uint64_t base = 0x7ffe0000, bv = 3;
	size_t size = qr_sigframe_size(sizeof(xs));
	uint32_t magic2;
	struct qr_err e;

	memcpy(xs + 512, &bv, sizeof(bv));
	CHECK(qr_sigframe_build(buf, sizeof(buf), base, &in, &e) == base + 8);
	memcpy(&magic2, buf + size - 4, 4);
	CHECK_U64(magic2, 0x46505845);
	for (size_t i = size; i < sizeof(buf); i++)
		if (buf[i])
			CHECK(!"a byte written past the frame's size");
}

TEST(cr_vdso_stub_place)
{
	/* time: too short; getcpu: a jump lies where the stub would go;
	 * clock_gettime: room after its jump; gone: no jump. */
	struct qr_vdso_sym olds[] = {
		{ "__vdso_gone", 0x600, 400 },
		{ "__vdso_time", 0x100, QR_TRAMP_LEN + QR_EXIT_STUB_LEN - 1 },
		{ "__vdso_getcpu", 0x200, 200 },
		{ "__vdso_clock_gettime", 0x400, 300 },
	};
	struct qr_rst_tramp t[] = {
		{ 0x7100, 0x9000 }, { 0x7200, 0x9100 },
		{ 0x7200 + QR_TRAMP_LEN + 4, 0x9200 }, { 0x7400, 0x9300 },
	};

	CHECK_U64(qr_vdso_stub_place(olds, 4, 0x7000, t, 4, QR_EXIT_STUB_LEN),
		  0x7400 + QR_TRAMP_LEN);
	CHECK_U64(qr_vdso_stub_place(olds, 3, 0x7000, t, 3, QR_EXIT_STUB_LEN), 0);
	CHECK_U64(qr_vdso_stub_place(olds, 4, 0x7000, t, 0, QR_EXIT_STUB_LEN), 0);
}

/* This kernel's vDSO: sizes are read, and the stub finds a place. */
TEST(cr_vdso_sizes)
{
	const uint8_t *v = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
	struct qr_vdso_sym syms[QR_VDSO_MAX_SYMS];
	struct qr_rst_tramp t[QR_VDSO_MAX_SYMS];
	struct qr_err e;
	int n;

	if (!v)
		return;
	n = qr_vdso_syms(v, 8192, syms, &e);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		CHECK(syms[i].size > 0);
		t[i] = (struct qr_rst_tramp) { 0x7000 + syms[i].offset, 0 };
	}
	CHECK(qr_vdso_stub_place(syms, n, 0x7000, t, n, QR_EXIT_STUB_LEN) != 0);
}

/* Private file mappings get only their own pages filled; an area without
 * the record, or whose runs no longer fit, is filled whole. */
TEST(cr_plan_own_pages)
{
	struct qr_rst_args *a = calloc(1, sizeof(*a) + 4 * sizeof(a->vmas[0]));
	struct qri_own_run two[2] = { { 1, 1 }, { 4, 2 } };
	struct qri_own_run *many = calloc(QR_RST_MAX_RUNS, sizeof(*many));
	struct qri_vma_img v[4] = {
		{ .v = { .start = 0x1000, .end = 0x9000 }, .own = two, .nown = 2 },
		{ .v = { .start = 0x10000, .end = 0x20000 } },
		{ .v = { .start = 0x30000, .end = 0x30000 + 2ull * QR_RST_MAX_RUNS * 4096 },
		  .own = many, .nown = QR_RST_MAX_RUNS },
		{ .v = { .start = 0x8000000, .end = 0x8001000 }, .own = two, .nown = 0 },
	};
	struct qri_proc_img pr = { .vmas = v, .nvmas = 4 };

	for (uint32_t i = 0; i < QR_RST_MAX_RUNS; i++)
		many[i] = (struct qri_own_run) { 2 * i, 1 };
	for (int i = 0; i < 4; i++)
		a->vmas[i].start = v[i].v.start;
	a->nvmas = 4;
	qr_restore_plan_own_pages(a, &pr);
	CHECK(a->vmas[0].how & QR_RST_MAP_RUNS);
	CHECK_U64(a->vmas[0].runs_count, 2);
	CHECK_U64(a->runs[a->vmas[0].runs_first + 1].off, 4 * 4096);
	CHECK_U64(a->runs[a->vmas[0].runs_first + 1].len, 2 * 4096);
	CHECK(!(a->vmas[1].how & QR_RST_MAP_RUNS));
	/* 2 runs used already: QR_RST_MAX_RUNS more do not fit. */
	CHECK(!(a->vmas[2].how & QR_RST_MAP_RUNS));
	CHECK(a->vmas[3].how & QR_RST_MAP_RUNS);
	CHECK_U64(a->vmas[3].runs_count, 0);
	free(many);
	free(a);
}
