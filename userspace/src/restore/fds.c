/* The image's file descriptors, reopened by path at their old numbers. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/restore.h"

int qr_restore_fds(const struct qri_proc_img *pr)
{
	for (size_t i = 0; i < pr->nfds; i++) {
		const struct qri_fd_img *f = &pr->fds[i];
		int flags = f->f.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC);
		int fd = open(f->path, flags | O_NOCTTY |
			      (f->f.kind == QRI_FD_DIR ? O_DIRECTORY : 0));

		if (fd < 0) {
			qr_error("restore: pid %u: fd %u: %s: %s", pr->p.pid,
				 f->f.fd, f->path, strerror(errno));
			return -1;
		}
		if (fd != (int)f->f.fd) {
			if (dup2(fd, f->f.fd) < 0) {
				qr_error("restore: pid %u: fd %u: %s", pr->p.pid,
					 f->f.fd, strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		}
		if (f->f.kind == QRI_FD_FILE &&
		    lseek(f->f.fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos) {
			qr_error("restore: pid %u: fd %u: cannot seek to %llu: %s",
				 pr->p.pid, f->f.fd, (unsigned long long)f->f.pos,
				 strerror(errno));
			return -1;
		}
		fcntl(f->f.fd, F_SETFD, f->f.fd_flags & FD_CLOEXEC);
	}
	return 0;
}
