/* A process's file descriptors, each carried by its kind (kind.h). */
#ifndef QR_FDS_H
#define QR_FDS_H

#include <sys/types.h>

#include "image/image.h"

/* Adds a record per fd of pid to w; with check_only, only says (printed)
 * which fds no kind carries. -1 if any is refused. */
int qr_capture_fds(struct qri_writer *w, pid_t pid, int check_only);

/* In the restored process: every fd at its old number, with its flags
 * (and what its kind keeps: a file's offset). -1 having printed why. */
int qr_restore_fds(const struct qri_proc_img *pr);

#endif
