/* The unit tests' PFNCHECK_IOC_FDSTATE (fds/fdstate.h): the module is not
 * loaded where they run. Defined here, it replaces the library's
 * fdstate.o at link time. A socket's messages are counted by peeking
 * with SO_PEEK_OFF stepping, as capture does (the kernel's own count
 * is the guest tests' to check), plus fake_rqueue_extra; an inotify
 * group's next wd is fake_next_wd. SOCKLOCKS: a socket's buffer locks
 * are what was last set on it here, else none (the kernel's are the
 * guest tests' to check). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fake_fdstate.h"
#include "fds/fdstate.h"

int fake_rqueue_extra;
uint64_t fake_next_wd = 1;

static int64_t peek_count(int fd)
{
	static char buf[1 << 16];
	int zero = 0, was = -1;
	socklen_t len = sizeof(was);
	int64_t n = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &was, &len) ||
	    setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)))
		return -1;
	while (recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT) >= 0)
		n++;
	setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &was, sizeof(was));
	return n;
}

int qr_fdstate(int fd, uint32_t what, uint64_t *value)
{
	int64_t n;

	if (what == PFNCHECK_FD_INOTIFY_NEXT_WD) {
		*value = fake_next_wd;
		return 0;
	}
	n = what == PFNCHECK_FD_RQUEUE_COUNT ? peek_count(fd) : -1;
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	*value = n + fake_rqueue_extra;
	return 0;
}

static struct {
	ino_t ino;
	uint32_t locks;
} set_locks[64];

int qr_socklocks(int fd, bool set, uint32_t *locks)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	for (i = 0; i < 64 && set_locks[i].ino && set_locks[i].ino != st.st_ino; i++)
		;
	if (set && i < 64) {
		set_locks[i].ino = st.st_ino;
		set_locks[i].locks = *locks;
	}
	*locks = i < 64 && set_locks[i].ino ? set_locks[i].locks : 0;
	return 0;
}
