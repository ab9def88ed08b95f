/* A process's file descriptors, each carried by its kind (kind.h). */
#ifndef QR_FDS_H
#define QR_FDS_H

#include <sys/types.h>

#include "image/image.h"

/* Adds a record per fd of pid to w (0, or -1 if any is refused); with
 * check_only, only says (printed) which fds no kind carries and returns
 * how many. -1 when the fds cannot be listed. */
int qr_capture_fds(struct qri_writer *w, pid_t pid, int check_only);

/* In the restored process: every fd at its old number, with its flags
 * (and what its kind keeps: a file's offset). -1 having printed why. */
int qr_restore_fds(const struct qri_proc_img *pr);

#endif
