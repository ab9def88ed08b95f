/* See fds/dupfd.h. */
#define _GNU_SOURCE
#include "fds/dupfd.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Callers walk one process's fds at a time: one pidfd serves them all
 * (opening one per call cost about 5 us a description). A pidfd names one
 * process, never a later one with its pid: when it has exited, ESRCH
 * makes the next call open a pidfd anew.
 */
static pid_t cached_pid;
static int cached_pfd = -1;

static int pidfd_of(pid_t pid, int fresh)
{
	if (cached_pfd >= 0 && (fresh || cached_pid != pid)) {
		close(cached_pfd);
		cached_pfd = -1;
	}
	if (cached_pfd < 0) {
		cached_pfd = syscall(SYS_pidfd_open, pid, 0);
		cached_pid = pid;
	}
	return cached_pfd;
}

int qr_fd_dup(pid_t pid, int fd)
{
	int pfd = pidfd_of(pid, 0), dup;

	if (pfd < 0)
		return -1;
	dup = syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (dup < 0 && errno == ESRCH) {
		pfd = pidfd_of(pid, 1);
		if (pfd < 0)
			return -1;
		dup = syscall(SYS_pidfd_getfd, pfd, fd, 0);
	}
	return dup;
}
