/* The hand-back, once per boot before any process is rebuilt: the restore
 * module (restore_abi.h) checks the image's frames, holds them aside and
 * gives this kernel the rest of the RAM it was not given at boot, but the
 * next boot area (chosen here: hidden RAM with no frame in it) and the
 * shelter. It must run at every boot of a confined kernel, image or not:
 * until then the system has only its boot area. */
#ifndef QR_RESTORE_HANDBACK_H
#define QR_RESTORE_HANDBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "image/image.h"

struct qr_handback {
	int fd;			/* /dev/qr-restore, -1 when nothing was done */
	uint32_t mode;		/* QR_MODE_* that adoption will use */
	uint64_t added, ns;	/* handed back: bytes, time */
	bool resumed;		/* handed back by an earlier restore */
};

/* img: the image (its frames), or NULL. Returns a QR_EXIT_* code: refused
 * maps (the message names the frame, its owner and why) are
 * QR_EXIT_UNSAFE, and nothing was changed. */
int qr_handback_run(const struct qri_image *img, struct qr_handback *hb);

/* Frames that no process will take go to the page allocator: the n
 * frames listed, or with n 0 every frame still held. */
void qr_handback_release(struct qr_handback *hb, const uint64_t *pfns,
			 uint64_t n);

#endif
