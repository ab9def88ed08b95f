/* The fds of the processes outside the kept set, for kinds whose file may
 * also be open there (a pipe's other end, an eventfd capture must touch). */
#ifndef QR_FD_OUTSIDE_H
#define QR_FD_OUTSIDE_H

#include <stddef.h>
#include <sys/types.h>

#include "fds/kind.h"

/* Calls fn with each fd of each process that is neither in s nor this
 * one: its pid, number, /proc/PID/fd/N path and link. 0, or -1 out of
 * memory (printed). The walk is made once for s (until forgotten): the
 * kinds asking after it see the fds as they were then. */
int qr_outside_fds(const struct qr_fd_set *s,
		   void (*fn)(void *ctx, pid_t pid, int fd, const char *path,
			      const char *link),
		   void *ctx);

/* Drops the walk (s is freed or changes next). */
void qr_outside_forget(void);

/* A process's comm for messages ("?" if gone). */
void qr_outside_comm(pid_t pid, char *out, size_t size);

#endif
