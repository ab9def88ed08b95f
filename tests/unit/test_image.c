/* The checkpoint image: what the writer builds, the reader returns intact;
 * anything damaged, inconsistent or unknown is refused, naming why. */
#include <stdlib.h>

#include "lib/crc32.h"
#include "image/image.h"
#include "image_test.h"
#include "test.h"

static uint8_t regs[QRI_REGS_SIZE];
static uint8_t xstate[QRI_XSTATE_MIN];

static void add_proc(struct qri_writer *w, uint32_t pid)
{
	struct qri_process p = { .pid = pid, .ppid = 1, .pgid = pid,
				 .sid = pid, .umask = 022, .comm = "worker" };
	struct qri_thread t = { .pid = pid, .tid = pid, .sigmask = 1 << 9,
				.regs_len = sizeof(regs),
				.xstate_len = sizeof(xstate) };

	qri_add_process(w, &p, "/srv", "/");
	qri_add_thread(w, &t, regs, xstate);
}

/* A sample image: one process, a second thread, three areas, two files. */
static void build(struct qri_writer *w)
{
	struct qri_thread t2 = { .pid = 42, .tid = 43, .regs_len = sizeof(regs) };
	struct qri_vma text = { .pid = 42, .prot = 5, .start = 0x400000,
				.end = 0x401000, .pages_offset = QRI_NO_PAGES };
	struct qri_vma heap = { .pid = 42, .prot = 3, .flags = QRI_VMA_ANON |
				QRI_VMA_HEAP, .start = 0x500000, .end = 0x600000 };
	struct qri_vma stack = { .pid = 42, .prot = 3, .flags = QRI_VMA_ANON |
				 QRI_VMA_STACK, .start = 0x7ffff000,
				 .end = 0x80000000, .pages_offset = 0x100000 };
	struct qri_file null = { .id = 1, .kind = QRI_FD_CHARDEV, .open_flags = 2 };
	struct qri_file log = { .id = 2, .kind = QRI_FD_FILE, .open_flags = 1,
				.pos = 12345, .owner_type = 1, .owner = 42,
				.signal = 36 };
	struct qri_fd f0 = { .pid = 42, .fd = 0, .file = 1 };
	struct qri_fd f7 = { .pid = 42, .fd = 7, .file = 2, .fd_flags = 1 };
	struct qri_fd f8 = { .pid = 42, .fd = 8, .file = 2 };

	for (size_t i = 0; i < sizeof(regs); i++)
		regs[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(xstate); i++)
		xstate[i] = (uint8_t)(i * 7);
	qri_writer_init(w, "6.1.0-56-amd64");
	add_proc(w, 42);
	qri_add_thread(w, &t2, regs, NULL);
	qri_add_vma(w, &text, "/usr/bin/worker");
	qri_add_vma(w, &heap, NULL);
	qri_add_vma(w, &stack, NULL);
	add_proc(w, 50);
	qri_add_file(w, &null, "/dev/null", NULL);
	qri_add_file(w, &log, "/srv/data.log", NULL);
	qri_add_fd(w, &f0);
	qri_add_fd(w, &f7);
	qri_add_fd(w, &f8);
}

/* Parses w's image, which must fail with a message containing needle. */
static void refused(struct qri_writer *w, const char *needle)
{
	struct qri_image img;
	struct qr_err e = { "" };

	CHECK(qri_finish(w) == 0);
	CHECK(qri_parse(w->buf, w->len, &img, &e) == -1);
	CHECK_HAS(e.msg, needle);
	CHECK(img.nprocs == 0 && img.procs == NULL);
	qri_writer_free(w);
}

TEST(image_round_trip)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	const struct qri_proc_img *p;

	build(&w);
	CHECK(qri_finish(&w) == 0);
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK_U64(img.nprocs, 2);
	CHECK_STR(img.h.origin, "6.1.0-56-amd64");
	p = &img.procs[0];
	CHECK_U64(p->p.pid, 42);
	CHECK_STR(p->p.comm, "worker");
	CHECK_STR(p->cwd, "/srv");
	CHECK_STR(p->root, "/");
	CHECK_U64(p->nthreads, 2);
	CHECK(!memcmp(p->threads[0].regs, regs, sizeof(regs)));
	CHECK(!memcmp(p->threads[0].xstate, xstate, sizeof(xstate)));
	CHECK(p->threads[1].xstate == NULL);
	CHECK_U64(p->threads[0].t.sigmask, 1 << 9);
	CHECK_U64(p->nvmas, 3);
	CHECK_STR(p->vmas[0].path, "/usr/bin/worker");
	CHECK(p->vmas[1].path == NULL);
	CHECK_U64(p->vmas[2].v.pages_offset, 0x100000);
	/* fds 7 and 8 share one open file, with its data. */
	CHECK_U64(p->nfds, 3);
	CHECK_U64(img.nfiles, 2);
	CHECK_U64(p->fds[1].file, 1);
	CHECK_U64(p->fds[2].file, 1);
	CHECK_U64(p->fds[1].f.fd_flags, 1);
	CHECK_STR(img.files[1].path, "/srv/data.log");
	CHECK_U64(img.files[1].f.pos, 12345);
	CHECK_U64(img.files[1].f.owner, 42);
	CHECK_U64(img.files[1].f.signal, 36);
	CHECK_U64(img.procs[1].p.pid, 50);
	qri_free(&img);
	qri_writer_free(&w);
}

/* Any single damaged byte anywhere is caught. */
TEST(image_every_flipped_byte_refused)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	size_t bad = 0;

	build(&w);
	CHECK(qri_finish(&w) == 0);
	for (size_t i = 0; i < w.len; i++) {
		w.buf[i] ^= 0x5a;
		if (qri_parse(w.buf, w.len, &img, &e) == 0) {
			qri_free(&img);
			bad++;
		}
		w.buf[i] ^= 0x5a;
	}
	CHECK_U64(bad, 0);
	qri_writer_free(&w);
}

TEST(image_every_truncation_refused)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	build(&w);
	CHECK(qri_finish(&w) == 0);
	for (size_t len = 0; len < w.len; len++)
		CHECK(qri_parse(w.buf, len, &img, &e) == -1);
	CHECK(qri_parse(w.buf, 10, &img, &e) == -1);
	CHECK_HAS(e.msg, "shorter than its header");
	CHECK(qri_parse(w.buf, w.len - 8, &img, &e) == -1);
	CHECK_HAS(e.msg, "truncated or extended");
	qri_writer_free(&w);
}

TEST(image_foreign_refused)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	uint32_t v = QRI_VERSION + 1;

	build(&w);
	CHECK(qri_finish(&w) == 0);
	memcpy(w.buf, "ELF\0\0\0\0\0", 8);
	CHECK(qri_parse(w.buf, w.len, &img, &e) == -1);
	CHECK_HAS(e.msg, "not a quickreboot image");
	memcpy(w.buf, QRI_MAGIC, 8);
	memcpy(w.buf + 8, &v, 4);
	CHECK(qri_parse(w.buf, w.len, &img, &e) == -1);
	CHECK_HAS(e.msg, "is not supported");
	qri_writer_free(&w);
}

TEST(image_unknown_records)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	uint8_t future[40] = { 1 };

	build(&w);
	qri_add_raw(&w, 99, QRI_REC_OPTIONAL, future, sizeof(future), "x", 1);
	CHECK(qri_finish(&w) == 0);
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK_U64(img.skipped, 1);
	qri_free(&img);
	qri_writer_free(&w);

	build(&w);
	qri_add_raw(&w, 99, 0, future, sizeof(future), NULL, 0);
	refused(&w, "unknown type 99");
}

/* A newer writer may grow a record's fixed part: the known fields still
 * read right, the rest is skipped. */
TEST(image_grown_fixed_part)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	struct {
		struct qri_fd f;
		uint64_t added_later;
	} grown = { { .pid = 42, .fd = 9, .file = 1 }, 77 };

	build(&w);
	qri_add_raw(&w, QRI_FD, 0, &grown, sizeof(grown), NULL, 0);
	CHECK(qri_finish(&w) == 0);
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK_U64(img.procs[1].nfds, 0);
	CHECK_U64(img.procs[0].fds[3].f.fd, 9);
	CHECK_U64(img.procs[0].fds[3].file, 0);
	qri_free(&img);
	qri_writer_free(&w);

	build(&w);
	qri_add_raw(&w, QRI_FD, 0, &grown, sizeof(grown.f) - 8, NULL, 0);
	refused(&w, "is shorter than 16");
}

TEST(image_inconsistent_refused)
{
	struct qri_writer w;
	struct qri_thread t = { .pid = 42, .tid = 43, .regs_len = QRI_REGS_SIZE };
	struct qri_vma v = { .pid = 42, .start = 0x500000, .end = 0x501000 };
	struct qri_fd f = { .pid = 42, .fd = 7, .file = 2 };
	struct qri_file file = { .id = 2, .kind = QRI_FD_FILE };
	struct qri_process p = { .pid = 60, .comm = "x" };

	build(&w);
	t.pid = 77;
	t.tid = 78;
	qri_add_thread(&w, &t, regs, NULL);
	refused(&w, "pid 77 has no process record before it");

	build(&w);
	t.pid = 50;
	t.tid = 43;
	qri_add_thread(&w, &t, regs, NULL);
	refused(&w, "tid 43 is listed twice");

	build(&w);
	t.tid = 51;
	t.regs_len = 100;
	qri_add_thread(&w, &t, regs, NULL);
	refused(&w, "registers are 100 bytes, not 216");

	build(&w);
	add_proc(&w, 42);
	refused(&w, "pid 42 is listed twice");

	build(&w);
	qri_add_vma(&w, &v, NULL);
	refused(&w, "overlaps or precedes");

	build(&w);
	v.start = 0x90000800;
	v.end = 0x90001000;
	qri_add_vma(&w, &v, NULL);
	refused(&w, "is not a page-aligned user range");

	build(&w);
	v.start = 0x90000000;
	v.flags = QRI_VMA_ANON;
	qri_add_vma(&w, &v, "/etc/passwd");
	refused(&w, "names a file");

	build(&w);
	v.flags = 0x400;
	qri_add_vma(&w, &v, NULL);
	refused(&w, "unknown protection");

	/* Shared memory: within its object, one size per object. */
	build(&w);
	v.flags = QRI_VMA_SHARED | QRI_VMA_SHMEM;
	v.end = v.start + 0x2000;
	v.pages_offset = 0x1000;
	v.shm_size = 0x1000;
	qri_add_vma(&w, &v, NULL);
	refused(&w, "is not within its object");

	build(&w);
	v.shm_size = 0x2000;
	qri_add_vma(&w, &v, NULL);
	v.start = v.end;
	v.end = v.start + 0x1000;
	v.shm_size = 0x3000;
	qri_add_vma(&w, &v, NULL);
	refused(&w, "its object has two sizes");

	build(&w);
	qri_add_fd(&w, &f);
	refused(&w, "fd 7 is listed twice");

	build(&w);
	f.fd = 9;
	f.file = 3;
	qri_add_fd(&w, &f);
	refused(&w, "names file 3, not before it");

	build(&w);
	qri_add_file(&w, &file, "/srv/other", NULL);
	refused(&w, "id 2 is 0, listed twice or out of order");

	build(&w);
	file.id = 3;
	file.kind = 99;
	qri_add_file(&w, &file, "/x", NULL);
	refused(&w, "unknown kind 99");

	build(&w);
	file.id = 0;
	file.kind = QRI_FD_FILE;
	qri_add_file(&w, &file, "/x", NULL);
	refused(&w, "id 0 is 0, listed twice or out of order");

	build(&w);
	file.id = 5;
	file.data_len = 3;
	file.kind = QRI_FD_CHARDEV;
	qri_add_file(&w, &file, "/x", "abc");
	refused(&w, "id 5: a character device has no data");

	build(&w);
	file.data_len = 0;
	file.kind = QRI_FD_FILE;
	file.owner_type = 3;
	file.owner = 42;
	qri_add_file(&w, &file, "/x", NULL);
	refused(&w, "id 5: signal-driven I/O to 42 (type 3), signal 0: not what capture writes");
	file.owner_type = 0;
	file.owner = 0;
	file.data_len = 3;

	/* A directory's data is its locks (fds/locks.h), a head first. */
	build(&w);
	file.kind = QRI_FD_DIR;
	qri_add_file(&w, &file, "/x", "abc");
	refused(&w, "id 5: lock data of 3 bytes, shorter than its head");

	build(&w);
	file.kind = QRI_FD_GHOST;
	qri_add_file(&w, &file, "/x (deleted)", "abc");
	refused(&w, "id 5: a file without its contents");

	build(&w);
	file.id = 4;
	file.kind = QRI_FD_FILE;
	file.data_len = QRI_MAX_FILE_DATA + 1;
	qri_add_raw(&w, QRI_FILE, 0, &file, sizeof(file), "/x", 2);
	refused(&w, "do not fill the record");

	build(&w);
	qri_add_process(&w, &p, "/", "/");
	refused(&w, "process 60 has no main thread");

	build(&w);
	memset(p.comm, 'a', sizeof(p.comm));
	qri_add_process(&w, &p, "/", "/");
	refused(&w, "comm is not terminated");
}

TEST(image_record_count_checked)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	struct qri_header h;

	build(&w);
	CHECK(qri_finish(&w) == 0);
	memcpy(&h, w.buf, sizeof(h));
	h.record_count++;
	h.header_crc32 = 0;
	h.header_crc32 = qr_crc32(0, &h, sizeof(h));
	memcpy(w.buf, &h, sizeof(h));
	CHECK(qri_parse(w.buf, w.len, &img, &e) == -1);
	CHECK_HAS(e.msg, "its header counts");
	qri_writer_free(&w);
}

TEST(crc32_matches_zlib)
{
	CHECK_U64(qr_crc32(0, "123456789", 9), 0xcbf43926);
	CHECK_U64(qr_crc32(qr_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
}

/* A private file mapping of 8 pages, its contents saved; pid 42. */
static void add_file_map(struct qri_writer *w, uint32_t flags, uint64_t pages)
{
	struct qri_vma v = { .pid = 42, .prot = 3, .flags = flags,
			     .start = 0x700000, .end = 0x708000,
			     .pages_offset = pages };

	qri_writer_init(w, "test");
	add_proc(w, 42);
	qri_add_vma(w, &v, "/srv/data.bin");
}

TEST(image_vma_own_pages)
{
	struct qri_own_run runs[2] = { { 1, 1 }, { 5, 3 } };
	struct qri_image img;
	struct qri_writer w;
	struct qr_err e;

	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 2);
	CHECK(!qri_finish(&w));
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK(img.procs[0].vmas[0].own != NULL);
	CHECK_U64(img.procs[0].vmas[0].nown, 2);
	CHECK_U64(img.procs[0].vmas[0].own[1].first, 5);
	CHECK_U64(img.procs[0].vmas[0].own[1].count, 3);
	qri_free(&img);
	qri_writer_free(&w);

	/* No page written: none filled, which is not "no record". */
	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, NULL, 0);
	CHECK(!qri_finish(&w));
	CHECK(qri_parse(w.buf, w.len, &img, &e) == 0);
	CHECK(img.procs[0].vmas[0].own != NULL);
	CHECK_U64(img.procs[0].vmas[0].nown, 0);
	qri_free(&img);
	qri_writer_free(&w);

	/* Optional: a reader that does not know it skips it. */
	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 2);
	CHECK(!qri_finish(&w));
	CHECK(((struct qri_record *)(w.buf + w.len - sizeof(runs) -
				     sizeof(struct qri_vma_own) -
				     sizeof(struct qri_record)))->flags &
	      QRI_REC_OPTIONAL);
	qri_writer_free(&w);
}

TEST(image_vma_own_refused)
{
	struct qri_own_run runs[2] = { { 1, 2 }, { 2, 1 } };
	struct qri_writer w;

	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x701000, runs, 1);
	qrt_image_refused(&w, "is not the memory area before it");

	add_file_map(&w, QRI_VMA_SHARED, QRI_NO_PAGES);
	qri_add_vma_own(&w, 42, 0x700000, runs, 1);
	qrt_image_refused(&w, "is not a saved private file mapping");

	add_file_map(&w, 0, QRI_NO_PAGES);
	qri_add_vma_own(&w, 42, 0x700000, runs, 1);
	qrt_image_refused(&w, "is not a saved private file mapping");

	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 1);
	qri_add_vma_own(&w, 42, 0x700000, runs, 1);
	qrt_image_refused(&w, "or has a second one");

	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 2);
	qrt_image_refused(&w, "run 1 (pages 2+1) is out of order");

	runs[1] = (struct qri_own_run) { 7, 2 };
	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 2);
	qrt_image_refused(&w, "outside the area");

	runs[1] = (struct qri_own_run) { 5, 0 };
	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 42, 0x700000, runs, 2);
	qrt_image_refused(&w, "run 1 (pages 5+0)");

	add_file_map(&w, 0, 0);
	qri_add_raw(&w, QRI_VMA_OWN, QRI_REC_OPTIONAL,
		    &(struct qri_vma_own) { .pid = 42, .nruns = 3, .start = 0x700000 },
		    sizeof(struct qri_vma_own), runs, sizeof(runs));
	qrt_image_refused(&w, "3 runs do not fill the record");

	add_file_map(&w, 0, 0);
	qri_add_vma_own(&w, 43, 0x700000, runs, 1);
	qrt_image_refused(&w, "pid 43 has no process record before it");
}
