/* The image reader's System V records and named shared memory areas. */
#include <string.h>

#include "image/image.h"
#include "test.h"

static uint8_t regs[QRI_REGS_SIZE];

static void sysv_image(struct qri_writer *w, uint64_t msg_len, uint32_t sem_val,
		       uint64_t attach_end, const char *name)
{
	struct qri_sysv_shm shm = { .key = 0, .id = 32768,
				    .mode = 0600 | QRI_SHM_DEST, .size = 5000,
				    .pages_offset = 4096 };
	struct qri_sysv_sem sem = { .key = 7, .id = 1, .mode = 0600, .nsems = 2 };
	uint32_t vals[2] = { 5, sem_val };
	struct qri_sysv_msg q = { .key = 8, .id = 2, .mode = 0600, .nmsgs = 1,
				  .qbytes = 4000 };
	struct {
		struct qri_sysv_msg_item a;
		char text[8];
	} m = { { 3, msg_len }, "three" };
	struct qri_process p = { .pid = 9, .ppid = 1, .pgid = 9, .sid = 9,
				 .comm = "ipc" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };
	struct qri_vma sv = { .pid = 9, .prot = 3,
			      .flags = QRI_VMA_SHARED | QRI_VMA_SYSV,
			      .start = 0x30000, .end = attach_end,
			      .pages_offset = QRI_NO_PAGES, .shm_object = 32768 };
	struct qri_vma mv = { .pid = 9, .prot = 3,
			      .flags = QRI_VMA_SHARED | QRI_VMA_SHMEM,
			      .start = 0x40000, .end = 0x42000,
			      .pages_offset = 12288, .shm_size = 8192,
			      .shm_object = 77, .shm_bytes = 8000,
			      .shm_mode = 0600, .shm_seals = 6 };

	qri_writer_init(w, "test");
	qri_add_raw(w, QRI_SYSV_SHM, 0, &shm, sizeof(shm), NULL, 0);
	qri_add_raw(w, QRI_SYSV_SEM, 0, &sem, sizeof(sem), vals, sizeof(vals));
	qri_add_raw(w, QRI_SYSV_MSG, 0, &q, sizeof(q), &m, sizeof(m));
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	qri_add_vma(w, &sv, NULL);
	qri_add_vma(w, &mv, name);
}

static int parse(struct qri_writer *w, struct qri_image *img, struct qr_err *e)
{
	int rc;

	CHECK(qri_finish(w) == 0);
	rc = qri_parse(w->buf, w->len, img, e);
	qri_writer_free(w);
	return rc;
}

TEST(image_sysv_read)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	sysv_image(&w, 6, 0, 0x32000, "/memfd:q (deleted)");
	CHECK(parse(&w, &img, &e) == 0);
	CHECK_U64(img.nshms, 1);
	CHECK_U64(img.shms[0].id, 32768);
	CHECK_U64(img.nsems, 1);
	CHECK_U64(img.sems[0].values[0], 5);
	CHECK_U64(img.nmsgqs, 1);
	CHECK_U64(img.msgqs[0].len, sizeof(struct qri_sysv_msg_item) + 8);
	CHECK_STR(img.procs[0].vmas[1].path, "/memfd:q (deleted)");
	qri_free(&img);
}

TEST(image_sysv_bounds_refused)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	/* A message longer than the record. */
	sysv_image(&w, 4096, 0, 0x32000, "/memfd:q (deleted)");
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "messages do not fill the record");
	/* A semaphore above SEMVMX. */
	sysv_image(&w, 6, 32768, 0x32000, "/memfd:q (deleted)");
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "above SEMVMX");
	/* An attach past its segment (5000 bytes: two pages). */
	sysv_image(&w, 6, 0, 0x33000, "/memfd:q (deleted)");
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "System V attach");
	/* A named object that is neither a memfd nor in /dev/shm. */
	sysv_image(&w, 6, 0, 0x32000, "/etc/passwd");
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "its name is not a memfd's or in /dev/shm");
}
