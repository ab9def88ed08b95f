/* Rebuilding checkpointed processes in the New kernel. */
#ifndef QR_RESTORE_H
#define QR_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "restorer.h"

/* In the child created with the old PID: files, identity, then the
 * restorer blob, which never returns. On failure before the jump returns
 * -1 after printing why; the child must then exit. status_fd gets the
 * restorer's verdict (restorer.h). */
int qr_restore_become(const struct qri_proc_img *pr, const char *dir,
		      int status_fd);

/* Files with their old numbers, positions and flags. */
int qr_restore_fds(const struct qri_proc_img *pr);

/* For each private file mapping in a->vmas (planned already) whose image
 * says which pages are the process's own: only those are filled, the
 * others map the file. */
void qr_restore_plan_own_pages(struct qr_rst_args *a,
			       const struct qri_proc_img *pr);

/* The process's root directory, set last before the restorer runs: every
 * path in the image (files, cwd, mapped files, the executable) is as
 * quickreboot saw it, from the real root, and must be opened before. */
int qr_restore_root(const struct qri_proc_img *pr);

#endif
