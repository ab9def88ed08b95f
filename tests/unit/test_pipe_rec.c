/* A pipe's file record: its checks of untrusted data, and which of the
 * files of one pipe makes it and takes the other end. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fds/pipe_rec.h"
#include "test.h"

static uint8_t buf[8][64];

static struct qri_file_img file(int i, uint32_t kind, uint32_t acc,
				uint64_t object, const char *path,
				struct qr_pipe_rec r, uint32_t queue_len)
{
	struct qri_file_img f = {
		.f = { .id = i + 1, .kind = kind, .open_flags = acc,
		       .object = object, .data_len = sizeof(r) + queue_len },
		.path = (char *)path, .data = buf[i],
	};

	memcpy(buf[i], &r, sizeof(r));
	memset(buf[i] + sizeof(r), 'q', queue_len);
	return f;
}

static int parses(struct qr_pipe_rec r, uint32_t data_len)
{
	struct qri_file_img f = file(0, QRI_FD_PIPE, O_RDONLY, 1, "pipe:[1]", r, 0);
	struct qr_err e;

	f.f.data_len = data_len;
	return qr_pipe_valid(&f, &e) == 0;
}

TEST(pipe_rec_checks_untrusted_data)
{
	struct qr_pipe_rec ok = { 65536, QR_PIPE_QUEUE, 8, 0 };
	struct qr_pipe_rec r;
	struct qri_file_img f;
	const uint8_t *q;
	struct qr_err e;

	CHECK(parses(ok, 16 + 8));
	f = file(0, QRI_FD_PIPE, O_RDONLY, 1, "pipe:[1]", ok, 8);
	CHECK(qr_pipe_valid(&f, &e) == 0);
	qr_pipe_rec(&f, &r, &q);
	CHECK(q == buf[0] + 16 && r.queue_len == 8 && q[7] == 'q');
	/* The queue's length must fill the record exactly. */
	CHECK(!parses(ok, 16 + 7));
	CHECK(!parses(ok, 16 + 9));
	CHECK(!parses(ok, 15));
	CHECK(!parses(ok, 0));
	/* Sizes: a power of two pages, within bounds. */
	CHECK(!parses((struct qr_pipe_rec){ 0, 0, 0, 0 }, 16));
	CHECK(!parses((struct qr_pipe_rec){ 2048, 0, 0, 0 }, 16));
	CHECK(!parses((struct qr_pipe_rec){ 12288, 0, 0, 0 }, 16));
	CHECK(!parses((struct qr_pipe_rec){ 1u << 31, 0, 0, 0 }, 16));
	CHECK(parses((struct qr_pipe_rec){ 4096, 0, 0, 0 }, 16));
	CHECK(parses((struct qr_pipe_rec){ 1u << 30, 0, 0, 0 }, 16));
	/* Unknown flags, padding, a queue beyond the size or without the
	 * flag saying this file carries it. */
	CHECK(!parses((struct qr_pipe_rec){ 4096, 2, 0, 0 }, 16));
	CHECK(!parses((struct qr_pipe_rec){ 4096, 0, 0, 1 }, 16));
	CHECK(!parses((struct qr_pipe_rec){ 4096, QR_PIPE_QUEUE, 4097, 0 }, 16 + 4097));
	CHECK(!parses((struct qr_pipe_rec){ 4096, 0, 8, 0 }, 16 + 8));
	/* No data at all; no access mode. */
	f.data = NULL;
	CHECK(qr_pipe_valid(&f, &e) != 0);
	CHECK(strstr(e.msg, "shorter"));
	f = file(0, QRI_FD_PIPE, O_WRONLY | O_NONBLOCK, 1, "pipe:[1]",
		 (struct qr_pipe_rec){ 4096, 0, 0, 0 }, 0);
	CHECK(qr_pipe_valid(&f, &e) == 0);
	f.f.open_flags = O_ACCMODE;
	CHECK(qr_pipe_valid(&f, &e) != 0);
	CHECK(strstr(e.msg, "neither"));
}

TEST(pipe_maker_is_the_file_with_the_queue)
{
	struct qr_pipe_rec none = { 65536, 0, 0, 0 };
	struct qr_pipe_rec queue = { 65536, QR_PIPE_QUEUE, 0, 0 };
	struct qri_file_img f[6];
	struct qri_image img = { .files = f, .nfiles = 6 };

	/* Pipe 7: a write end, then two read ends; pipe 8: a write end
	 * only; FIFO 7 elsewhere; a FIFO of inode 9 under two paths. */
	f[0] = file(0, QRI_FD_PIPE, O_WRONLY, 7, "pipe:[7]", none, 0);
	f[1] = file(1, QRI_FD_PIPE, O_RDONLY, 7, "pipe:[7]", queue, 0);
	f[2] = file(2, QRI_FD_PIPE, O_RDONLY, 7, "pipe:[7]", queue, 0);
	f[3] = file(3, QRI_FD_PIPE, O_WRONLY, 8, "pipe:[8]", none, 0);
	f[4] = file(4, QRI_FD_FIFO, O_WRONLY, 9, "/a", queue, 0);
	f[5] = file(5, QRI_FD_FIFO, O_RDONLY, 9, "/b", queue, 0);
	for (int i = 0; i < 3; i++)
		CHECK(qr_pipe_maker(&img, &f[i]) == &f[1]);
	CHECK(qr_pipe_peer(&img, &f[1]) == &f[0]);
	CHECK(qr_pipe_maker(&img, &f[3]) == &f[3]);
	CHECK(qr_pipe_peer(&img, &f[3]) == NULL);
	/* Another kind with the same object, or another path, is another. */
	f[4].f.object = 7;
	CHECK(qr_pipe_maker(&img, &f[4]) == &f[4]);
	f[4].f.object = 9;
	CHECK(qr_pipe_maker(&img, &f[5]) == &f[5]);
	CHECK(qr_pipe_peer(&img, &f[5]) == NULL);
	/* A maker open for both has no peer: the others open it again. */
	f[1].f.open_flags = O_RDWR;
	CHECK(qr_pipe_peer(&img, &f[1]) == NULL);
}
