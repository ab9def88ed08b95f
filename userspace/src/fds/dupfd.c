/* See fds/dupfd.h. */
#define _GNU_SOURCE
#include "fds/dupfd.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int qr_fd_dup(pid_t pid, int fd)
{
	int pfd = syscall(SYS_pidfd_open, pid, 0), dup, e;

	if (pfd < 0)
		return -1;
	dup = syscall(SYS_pidfd_getfd, pfd, fd, 0);
	e = errno;
	close(pfd);
	errno = e;
	return dup;
}
