/* Images written in a test and read back: the steps every image test
 * repeats. */
#ifndef QR_TEST_IMAGE_TEST_H
#define QR_TEST_IMAGE_TEST_H

#include "image/image.h"

/* Finishes w, reads it into img, frees w; qri_parse's result. */
int qrt_image_parse(struct qri_writer *w, struct qri_image *img,
		    struct qr_err *e);

/* Finishes w, checks that reading it fails naming needle, frees w. */
void qrt_image_refused(struct qri_writer *w, const char *needle);

#endif
