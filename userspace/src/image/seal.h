/* The pages seal: the image, its pages file and the quick reboot it was
 * made for, tied together (image/format.h, QRI_PAGES_SEAL). The pages
 * file is summed block by block as the checkpoint writes it, and checked
 * whole before restore adopts a frame or fills a page: a pages file that
 * is another checkpoint's, truncated or overwritten is refused, naming
 * the first bad block. */
#ifndef QR_SEAL_H
#define QR_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"
#include "lib/err.h"
#include "lib/sum64.h"

struct qr_seal {
	struct qri_pages_seal rec;
	struct qr_sum64 block;		/* the block being summed */
	uint64_t *sums;
	size_t cap;
	bool broken;			/* out of order, or out of memory */
};

/* Starts a seal with a new random id; token is the keep record's (NULL:
 * none). header gets the pages file's first QRI_PAGES_HEADER bytes, to be
 * written at offset 0 and added like any other. -1 if no random id. */
int qr_seal_start(struct qr_seal *s, const char *token,
		  uint8_t header[QRI_PAGES_HEADER]);

/* Adds len bytes written at off: writes must come in file order. */
void qr_seal_add(struct qr_seal *s, uint64_t off, const void *buf, size_t len);

/* Appends the QRI_PAGES_SEAL record to w; -1 if the seal is broken. */
int qr_seal_finish(struct qr_seal *s, struct qri_writer *w);

void qr_seal_free(struct qr_seal *s);

/* Checks the pages file (fd, named path in messages) against img's seal,
 * and the seal's token against token (NULL: not checked). 0, or -1 with e
 * set naming what does not match. */
int qr_seal_check(const struct qri_image *img, int fd, const char *path,
		  const char *token, struct qr_err *e);

#endif
