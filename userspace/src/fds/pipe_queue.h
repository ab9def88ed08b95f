/* A pipe's queue read without consuming it at capture and written back at
 * restore, and the open file descriptions of one pipe made from another:
 * what pipes and FIFOs share. */
#ifndef QR_FD_PIPE_QUEUE_H
#define QR_FD_PIPE_QUEUE_H

#include "fds/kind.h"
#include "fds/pipe_rec.h"

/* A duplicate of process pid's fd (pidfd_getfd(2)): the same open file
 * description, where opening it again would make another reader or
 * writer. -1 having printed why. */
int qr_pipe_dup(pid_t pid, int fd);

/* Whether c's flags are ones restore sets again; else printed, with
 * name ("pipe:[12]", "FIFO /run/x"). */
int qr_pipe_flags_carried(const struct qr_fd_capture *c, const char *name);

/* Appends to c's data the record of the pipe behind fd (a duplicate of
 * c's) and, if rfd >= 0 (readable, the same pipe), its queue, read
 * without consuming it: tee(2) into a scratch pipe of the same size, then
 * read from there. A queue of packets (O_DIRECT) is refused: written back
 * it would be one stream. 0, or -1 having printed why. */
int qr_pipe_capture(struct qr_fd_capture *c, const char *name, int fd,
		    int rfd);

/* Sizes the pipe behind wfd (writable, O_NONBLOCK) as r says and writes
 * queue back. 0, or -1 having printed why. */
int qr_pipe_fill(const struct qri_file_img *f, int wfd,
		 const struct qr_pipe_rec *r, const uint8_t *queue);

/* Another open file description of the pipe behind fd, with access mode
 * acc (through /proc/self/fd: a FIFO's open with O_NONBLOCK, which does
 * not wait for the other end), O_NONBLOCK until qr_pipe_set_flags. -1
 * having printed why. */
int qr_pipe_reopen(const struct qri_file_img *f, int fd, int acc);

/* fd with f's status flags (O_NONBLOCK, O_APPEND); fd, or -1 with fd
 * closed, having printed why. -1 stays -1. */
int qr_pipe_set_flags(const struct qri_file_img *f, int fd);

#endif
