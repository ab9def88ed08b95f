/* The kept processes' file descriptors, each carried by its kind (kind.h):
 * one QRI_FILE per open file description, one QRI_FD per fd. */
#ifndef QR_FDS_H
#define QR_FDS_H

#include <sys/types.h>

#include "image/image.h"

/* Every fd of pids[0..n): their files and fds added to w, after every
 * process record. With w NULL (`check`), nothing is written. Prints each
 * fd or file that is not carried; returns how many, or -1 when a
 * process's fds cannot be listed. */
int qr_capture_files(struct qri_writer *w, const pid_t *pids, int n);

#endif
