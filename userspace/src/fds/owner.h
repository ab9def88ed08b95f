/* Signal-driven I/O of an open file description: the process, thread or
 * group its SIGIO goes to (fcntl(2) F_SETOWN_EX), the signal (F_SETSIG)
 * and O_ASYNC. It belongs to the description whatever its kind, so it is
 * captured for every kind, and set again by the process it signals: the
 * kernel checks the setter's user ids against the target's when it sends,
 * so the setter must be that process with its own ids. */
#ifndef QR_FDS_OWNER_H
#define QR_FDS_OWNER_H

#include "fds/kind.h"

/* c's owner and signal into c->f, read through a duplicate. 0, or -1
 * having printed why. */
int qr_owner_capture(struct qr_fd_capture *c);

/* A description's owner must be a kept process holding it (or its main
 * thread, or the group of one): restore sets it from there. How many
 * refused, each printed. */
int qr_owner_check_set(const struct qr_fd_set *s);

/* In pr once its fds are placed: owner, signal and O_ASYNC of fd's file,
 * if pr is the one to set them. 0, or -1 having printed why. */
int qr_owner_place(const struct qri_proc_img *pr, const struct qri_fd_img *fd,
		   const struct qri_file_img *f);

#endif
