/* The image reader's System V records and named shared memory areas. */
#include <string.h>

#include "image/image.h"
#include "restore/semundo.h"
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

/* The sysv image with one SEM_UNDO record of n adjustments on set 1. */
static int undo_image(const struct qri_sem_adj *adj, uint32_t n,
		      uint32_t count, struct qri_image *img, struct qr_err *e)
{
	struct qri_sem_undo u = { .pid = 9, .count = count };
	struct qri_writer w;

	sysv_image(&w, 6, 0, 0x32000, "/memfd:q (deleted)");
	qri_add_raw(&w, QRI_SEM_UNDO, 0, &u, sizeof(u), adj, n * sizeof(*adj));
	return parse(&w, img, e);
}

TEST(image_sem_undo)
{
	struct qri_sem_adj adj[2] = { { 1, 0, -2 }, { 1, 1, 300 } };
	struct qri_image img;
	struct qr_err e;

	CHECK(undo_image(adj, 2, 2, &img, &e) == 0);
	CHECK_U64(img.procs[0].nsemadj, 2);
	CHECK(img.procs[0].semadj[0].adj == -2);
	CHECK(img.procs[0].semadj[1].adj == 300);
	qri_free(&img);

	CHECK(undo_image(adj, 2, 3, &img, &e) == -1);
	CHECK_HAS(e.msg, "3 adjustments do not fill the record");
	adj[1].semnum = 2;	/* the set has two */
	CHECK(undo_image(adj, 2, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "set 1 semaphore 2 is not in the image");
	adj[1] = (struct qri_sem_adj){ 2, 0, 1 };	/* a queue's id */
	CHECK(undo_image(adj, 2, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "set 2 semaphore 0 is not in the image");
	adj[1] = (struct qri_sem_adj){ 1, 0, 1 };	/* twice */
	CHECK(undo_image(adj, 2, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "set 1 semaphore 0 out of order");
	adj[1] = (struct qri_sem_adj){ 1, 1, 0 };
	CHECK(undo_image(adj, 2, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "adjustment 0 out of range");
	adj[1].adj = -32768;
	CHECK(undo_image(adj, 2, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "adjustment -32768 out of range");
	CHECK(undo_image(adj, 0, 0, &img, &e) == -1);
}

TEST(restore_semundo_order)
{
	CHECK(qr_semundo_order(5, 2) == 1);	/* 5-2 then +2 */
	CHECK(qr_semundo_order(1, 2) == 0);	/* +2 first: 3, then 1 */
	CHECK(qr_semundo_order(32767, -2) == 0);	/* -2 first */
	CHECK(qr_semundo_order(0, -2) == 1);	/* +2 with SEM_UNDO first */
	CHECK(qr_semundo_order(32767, 32767) == 1);
	CHECK(qr_semundo_order(0, 0) == 1);
	CHECK(qr_semundo_order(20000, -20000) == 0);
	CHECK(qr_semundo_order(10000, -30000) == -1);
}

/* The sysv image with a users record for (kind, id) of n pids, placed
 * before the processes or after them. */
static int users_image(uint32_t kind, uint32_t id, const uint32_t *pids,
		       uint32_t n, struct qri_image *img, struct qr_err *e)
{
	struct qri_sysv_users u = { .kind = kind, .id = id, .count = n };
	struct qri_writer w;

	qri_writer_init(&w, "test");
	{
		struct qri_sysv_sem sem = { .key = 7, .id = 1, .mode = 0600,
					    .nsems = 1 };
		uint32_t val = 1;

		qri_add_raw(&w, QRI_SYSV_SEM, 0, &sem, sizeof(sem), &val,
			    sizeof(val));
	}
	qri_add_raw(&w, QRI_SYSV_USERS, 0, &u, sizeof(u), pids,
		    n * sizeof(*pids));
	return parse(&w, img, e);
}

TEST(image_sysv_users)
{
	uint32_t pids[2] = { 9, 10 };
	struct qri_image img;
	struct qr_err e;

	CHECK(users_image(QRI_SYSV_KIND_SEM, 1, pids, 2, &img, &e) == 0);
	CHECK_U64(img.nsysv_users, 1);
	CHECK_U64(img.sysv_users[0].pids[1], 10);
	qri_free(&img);
	CHECK(users_image(QRI_SYSV_KIND_MSG, 1, pids, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "kind 3 id 1 is not an object of the image");
	CHECK(users_image(QRI_SYSV_KIND_SEM, 2, pids, 2, &img, &e) == -1);
	CHECK_HAS(e.msg, "is not an object of the image");
	CHECK(users_image(QRI_SYSV_KIND_SEM, 1, pids, 0, &img, &e) == -1);
	CHECK_HAS(e.msg, "0 users do not fill the record");
	CHECK(users_image(7, 1, pids, 1, &img, &e) == -1);
}
