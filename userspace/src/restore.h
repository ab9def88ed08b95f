/* Rebuilding checkpointed processes in the New kernel. */
#ifndef QR_RESTORE_H
#define QR_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* In the child created with the old PID: files, identity, then the
 * restorer blob, which never returns. On failure before the jump returns
 * -1 after printing why; the child must then exit. status_fd gets the
 * restorer's verdict (restorer.h). Frames of the image (zero copy) are
 * adopted through /dev/qr-restore, after the hand-back. */
int qr_restore_become(const struct qri_proc_img *pr, const char *dir,
		      int status_fd);

/* Files with their old numbers, positions and flags. */
int qr_restore_fds(const struct qri_proc_img *pr);

#endif
