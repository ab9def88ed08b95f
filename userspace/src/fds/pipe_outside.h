/* Pipes and FIFOs also open in a process outside the kept set: the kept
 * processes would lose their other end, or share their queue with one
 * left behind. */
#ifndef QR_FD_PIPE_OUTSIDE_H
#define QR_FD_PIPE_OUTSIDE_H

#include "fds/kind.h"

/* Each file of kind (QRI_FD_PIPE or QRI_FD_FIFO) in s that a process
 * outside s holds too, refused naming both processes (every process's
 * fds listed from /proc; quickreboot's own aside). How many. */
int qr_pipe_outside(const struct qr_fd_set *s, uint32_t kind);

#endif
