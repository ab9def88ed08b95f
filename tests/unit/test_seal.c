/* The pages seal: sums streamed as the checkpoint writes equal those
 * restore computes; a pages file that is not the image's own, truncated,
 * overwritten or made for another quick reboot is refused by name. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/seal.h"
#include "test.h"

TEST(sum64_streaming_equals_one_shot)
{
	static uint8_t buf[10000];
	struct qr_sum64 s;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 8));
	qr_sum64_init(&s);
	qr_sum64_update(&s, buf, 5);
	qr_sum64_update(&s, buf + 5, 4091);
	qr_sum64_update(&s, buf + 4096, sizeof(buf) - 4096);
	CHECK_U64(qr_sum64_final(&s), qr_sum64(buf, sizeof(buf)));
	CHECK(qr_sum64(buf, sizeof(buf)) != qr_sum64(buf, sizeof(buf) - 1));
	buf[4000] ^= 1;
	CHECK(qr_sum64_final(&s) != qr_sum64(buf, sizeof(buf)));
}

/* A sealed image and its pages file (header plus pages bytes of data)
 * in a temporary file; returns the file's fd. */
static int sealed(struct qri_image *img, size_t pages, const char *token,
		  struct qri_writer *w)
{
	static uint8_t header[QRI_PAGES_HEADER];
	char path[] = "/tmp/qr-seal-XXXXXX";
	struct qr_seal s;
	struct qr_err e;
	uint8_t *data = malloc(pages);
	int fd = mkstemp(path);

	unlink(path);
	for (size_t i = 0; i < pages; i++)
		data[i] = (uint8_t)(i ^ (i >> 12));
	qri_writer_init(w, "6.1.0-56-amd64");
	CHECK(qr_seal_start(&s, token, header) == 0);
	CHECK(pwrite(fd, header, sizeof(header), 0) == sizeof(header));
	qr_seal_add(&s, 0, header, sizeof(header));
	/* In two writes, the second across a block boundary. */
	CHECK(pwrite(fd, data, 4096, QRI_PAGES_HEADER) == 4096);
	qr_seal_add(&s, QRI_PAGES_HEADER, data, 4096);
	CHECK(pwrite(fd, data + 4096, pages - 4096, QRI_PAGES_HEADER + 4096) ==
	      (ssize_t)(pages - 4096));
	qr_seal_add(&s, QRI_PAGES_HEADER + 4096, data + 4096, pages - 4096);
	CHECK(qr_seal_finish(&s, w) == 0);
	qr_seal_free(&s);
	CHECK(qri_finish(w) == 0);
	CHECK(qri_parse(w->buf, w->len, img, &e) == 0);
	CHECK(img->seal && img->seal->nblocks == 3);
	free(data);
	return fd;
}

TEST(seal_accepts_its_own_pages)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;
	int fd = sealed(&img, 2 * QRI_SEAL_BLOCK, "0123456789abcdef", &w);

	CHECK(qr_seal_check(&img, fd, "pages", "0123456789abcdef", &e) == 0);
	CHECK(qr_seal_check(&img, fd, "pages", NULL, &e) == 0);
	CHECK(qr_seal_check(&img, fd, "pages", "fedcba9876543210", &e) == -1);
	CHECK_HAS(e.msg, "another quick reboot");
	close(fd);
	qri_free(&img);
	qri_writer_free(&w);
}

TEST(seal_refuses_damaged_or_foreign_pages)
{
	struct qri_writer w, w2;
	struct qri_image img, other;
	struct qr_err e;
	int fd = sealed(&img, 2 * QRI_SEAL_BLOCK, NULL, &w);
	int fd2 = sealed(&other, 2 * QRI_SEAL_BLOCK, NULL, &w2);
	uint8_t b = 0x5a;

	/* Another checkpoint's pages: same contents, another id. */
	CHECK(qr_seal_check(&img, fd2, "pages", NULL, &e) == -1);
	CHECK_HAS(e.msg, "belongs to another checkpoint");
	/* 1 byte overwritten in the second block. */
	CHECK(pwrite(fd, &b, 1, QRI_SEAL_BLOCK + 100) == 1);
	CHECK(qr_seal_check(&img, fd, "pages", NULL, &e) == -1);
	CHECK_HAS(e.msg, "bytes 1048576-2097151 are not what was checkpointed");
	/* Truncated. */
	CHECK(ftruncate(fd, QRI_SEAL_BLOCK) == 0);
	CHECK(qr_seal_check(&img, fd, "pages", NULL, &e) == -1);
	CHECK_HAS(e.msg, "the image expects");
	close(fd);
	close(fd2);
	qri_free(&img);
	qri_free(&other);
	qri_writer_free(&w);
	qri_writer_free(&w2);
}

TEST(seal_out_of_order_write_breaks_it)
{
	static uint8_t header[QRI_PAGES_HEADER];
	struct qri_writer w;
	struct qr_seal s;

	qri_writer_init(&w, "x");
	CHECK(qr_seal_start(&s, NULL, header) == 0);
	qr_seal_add(&s, 0, header, sizeof(header));
	qr_seal_add(&s, sizeof(header) + 4096, header, 4096);
	CHECK(qr_seal_finish(&s, &w) == -1);
	qr_seal_free(&s);
	qri_writer_free(&w);
}

TEST(no_seal_is_refused_at_restore)
{
	struct qri_image img = { .seal = NULL };
	struct qr_err e;

	CHECK(qr_seal_check(&img, -1, "pages", NULL, &e) == -1);
	CHECK_HAS(e.msg, "no pages seal");
}
