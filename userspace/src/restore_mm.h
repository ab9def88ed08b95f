/* The optional QRI_MM record of a process (image_format.h), which the
 * image reader skips as an optional record of a type it does not keep. */
#ifndef QR_RESTORE_MM_H
#define QR_RESTORE_MM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "image_format.h"

struct qr_mm_img {
	struct qri_mm m;
	const uint8_t *auxv;	/* m.auxv_len bytes, inside the image buffer */
	char exe[QRI_MAX_PATH + 1];	/* "" when none */
};

/* Finds pid's QRI_MM record in an image buffer that qri_parse accepted
 * and checks it. Returns 1 when found, 0 when there is none, -1 with a
 * message when it is malformed. */
int qr_mm_find(const uint8_t *buf, size_t len, uint32_t pid,
	       struct qr_mm_img *out, struct qr_err *e);

#endif
