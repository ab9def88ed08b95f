/* Pages shared with the parent since a fork (QRI_VMA_INHERIT): read back
 * as written, refused where the parent has no such area or the runs do not
 * fit, and their contents found up through the parents. */
#include "image/image.h"
#include "image_test.h"
#include "test.h"

#define A 0x700000ull
#define PAGES 8

static uint8_t regs[QRI_REGS_SIZE];

static void add(struct qri_writer *w, uint32_t pid, uint32_t ppid,
		uint32_t flags, uint64_t end, uint64_t off)
{
	struct qri_process p = { .pid = pid, .ppid = ppid, .pgid = pid,
				 .sid = pid, .comm = "forked" };
	struct qri_thread t = { .pid = pid, .tid = pid, .regs_len = sizeof(regs) };
	struct qri_vma v = { .pid = pid, .prot = 3, .flags = flags,
			     .start = A, .end = end, .pages_offset = off };

	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	qri_add_vma(w, &v, NULL);
}

/* 42 forked 43, which forked 44; each saved the area at its own place. */
static void family(struct qri_writer *w)
{
	static const struct qri_own_run child[2] = { { 1, 2 }, { 5, 1 } };
	static const struct qri_own_run grandchild[1] = { { 1, 1 } };

	qri_writer_init(w, "6.1.0-57-amd64");
	add(w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 4096);
	add(w, 43, 42, QRI_VMA_ANON | QRI_VMA_HEAP, A + PAGES * 4096, 0x100000);
	qri_add_vma_inherit(w, 43, A, child, 2);
	add(w, 44, 43, QRI_VMA_ANON, A + PAGES * 4096, 0x200000);
	qri_add_vma_inherit(w, 44, A, grandchild, 1);
}

TEST(image_inherit_read_and_found)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	uint64_t off = 0;

	family(&w);
	CHECK(!qri_finish(&w));
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK(img.procs[0].vmas[0].inherit == NULL);
	CHECK_U64(img.procs[1].vmas[0].ninherit, 2);
	CHECK_U64(img.procs[1].vmas[0].inherit[1].first, 5);
	CHECK(qri_page_inherited(&img.procs[1].vmas[0], 2));
	CHECK(!qri_page_inherited(&img.procs[1].vmas[0], 3));
	/* 44's page 1 is 43's, which is 42's. */
	CHECK(!qri_inherited_offset(&img, &img.procs[2], &img.procs[2].vmas[0], 1, &off));
	CHECK_U64(off, 4096 + 4096);
	/* 44's page 2 is its own; 43's page 3 too. */
	CHECK(!qri_inherited_offset(&img, &img.procs[2], &img.procs[2].vmas[0], 2, &off));
	CHECK_U64(off, 0x200000 + 2 * 4096);
	CHECK(!qri_inherited_offset(&img, &img.procs[1], &img.procs[1].vmas[0], 3, &off));
	CHECK_U64(off, 0x100000 + 3 * 4096);
	/* 43's page 5 is 42's. */
	CHECK(!qri_inherited_offset(&img, &img.procs[1], &img.procs[1].vmas[0], 5, &off));
	CHECK_U64(off, 4096 + 5 * 4096);
	qri_free(&img);
	qri_writer_free(&w);

	/* Not optional: a reader that does not know it would read zeros. */
	family(&w);
	CHECK(!qri_finish(&w));
	CHECK(!(((struct qri_record *)(w.buf + w.len - sizeof(struct qri_own_run) -
				       sizeof(struct qri_vma_inherit) -
				       sizeof(struct qri_record)))->flags &
		QRI_REC_OPTIONAL));
	qri_writer_free(&w);
}

TEST(image_inherit_refused)
{
	struct qri_own_run runs[2] = { { 1, 2 }, { 2, 1 } };
	struct qri_writer w;

	/* The parent is not in the image. */
	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 1);
	qrt_image_refused(&w, "is not private anonymous memory that its parent 42 has");

	/* The parent's area ends elsewhere. */
	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + 4 * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 1);
	qrt_image_refused(&w, "is not private anonymous memory that its parent 42 has");

	/* A stack moves with mremap() without growing down: not shared. */
	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON | QRI_VMA_STACK, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON | QRI_VMA_STACK, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 1);
	qrt_image_refused(&w, "is not private anonymous memory");

	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A + 4096, runs, 1);
	qrt_image_refused(&w, "is not the memory area before it");

	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 2);
	qrt_image_refused(&w, "run 1 (pages 2+1) is out of order");

	runs[1] = (struct qri_own_run){ 7, 2 };
	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 2);
	qrt_image_refused(&w, "run 1 (pages 7+2) is out of order, outside the area");

	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 1);
	qri_add_vma_inherit(&w, 43, A, runs, 1);
	qrt_image_refused(&w, "or has a second one");

	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, 0);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, 0);
	qri_add_vma_inherit(&w, 43, A, runs, 0);
	qrt_image_refused(&w, "0 runs do not fill the record");
}

/* Zero copy: a page shared is in no page run of the child, and found in
 * the parent's copied runs; a parent's frame has no saved contents. */
TEST(image_inherit_zero_copy)
{
	struct qri_page_run prun[2] = {
		{ .addr = A, .count = 2, .where = 0x3000, .kind = QRI_RUN_COPY },
		{ .addr = A + 2 * 4096, .count = 1, .where = 0x99, .kind = QRI_RUN_FRAMES },
	};
	struct qri_page_run crun = { .addr = A + 4 * 4096, .count = 1,
				     .where = 0x5000, .kind = QRI_RUN_COPY };
	struct qri_own_run in[1] = { { 0, 3 } };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	uint64_t off = 0;

	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, QRI_NO_PAGES);
	qri_add_page_runs(&w, 42, A, prun, 2);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, QRI_NO_PAGES);
	qri_add_page_runs(&w, 43, A, &crun, 1);
	qri_add_vma_inherit(&w, 43, A, in, 1);
	CHECK(!qri_finish(&w));
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK(!qri_inherited_offset(&img, &img.procs[1], &img.procs[1].vmas[0], 1, &off));
	CHECK_U64(off, 0x3000 + 4096);
	CHECK(qri_inherited_offset(&img, &img.procs[1], &img.procs[1].vmas[0], 2, &off) == -1);
	qri_free(&img);
	qri_writer_free(&w);

	in[0] = (struct qri_own_run){ 3, 2 };
	qri_writer_init(&w, "6.1.0-57-amd64");
	add(&w, 42, 1, QRI_VMA_ANON, A + PAGES * 4096, QRI_NO_PAGES);
	add(&w, 43, 42, QRI_VMA_ANON, A + PAGES * 4096, QRI_NO_PAGES);
	qri_add_page_runs(&w, 43, A, &crun, 1);
	qri_add_vma_inherit(&w, 43, A, in, 1);
	qrt_image_refused(&w, "saved too");
}
