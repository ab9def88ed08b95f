/* See checkpoint/dirlock.h. */
#include "checkpoint/dirlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/readfile.h"

/* Lines such as "1: FLOCK  ADVISORY  WRITE 1234 08:01:12345 0 EOF" (a
 * blocked waiter's line has "->" after the number: not a holder). */
pid_t qr_locks_holder(const char *text, unsigned int major,
		      unsigned int minor, unsigned long ino)
{
	const char *line = text;

	while (line && *line) {
		char kind[16], mode[16], rw[16];
		unsigned int ma, mi;
		unsigned long in;
		int pid, id;

		if (sscanf(line, "%d: %15s %15s %15s %d %x:%x:%lu", &id, kind,
			   mode, rw, &pid, &ma, &mi, &in) == 8 &&
		    !strcmp(kind, "FLOCK") && pid > 0 && ma == major &&
		    mi == minor && in == ino)
			return pid;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

int qr_dir_lock(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	char *locks;
	pid_t holder = 0;

	if (fd < 0) {
		qr_error("checkpoint: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (errno != EWOULDBLOCK) {
		qr_error("checkpoint: locking %s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	locks = fstat(fd, &st) ? NULL : qr_read_file("/proc/locks", 1 << 22);
	if (locks) {
		holder = qr_locks_holder(locks, major(st.st_dev),
					 minor(st.st_dev), st.st_ino);
		free(locks);
	}
	if (holder)
		qr_error("checkpoint: %s is in use by another checkpoint (process %d); nothing was frozen",
			 dir, (int)holder);
	else
		qr_error("checkpoint: %s is in use by another checkpoint; nothing was frozen",
			 dir);
	close(fd);
	return -1;
}
