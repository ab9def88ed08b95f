/* A duplicate of another process's fd (pidfd_getfd(2)): the same open
 * file description, to look at without changing it (FIONREAD, F_GETLK). */
#ifndef QR_FDS_DUPFD_H
#define QR_FDS_DUPFD_H

#include <sys/types.h>

/* The duplicate (close-on-exec), or -1 with errno set. */
int qr_fd_dup(pid_t pid, int fd);

#endif
