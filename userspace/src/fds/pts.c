/* A pty slave (/dev/pts/N): see pty.h. Captured through a duplicate:
 * its exclusive mode, and bytes queued for its readers, refused with
 * their count (in canonical mode FIONREAD counts whole lines only: a
 * line not yet ended cannot be seen from user space). A slave of another
 * devpts instance (a container's) is refused. Restored through its
 * master, which the image must hold (check_set refuses one held outside
 * the kept set). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/pty.h"
#include "lib/exit.h"

static bool pts_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && S_ISCHR(st->st_mode) &&
		qr_pty_index(st->st_rdev) >= 0;
}

static int pts_capture(struct qr_fd_capture *c)
{
	struct qr_pts_rec r = { .index = qr_pty_index(c->st->st_rdev) };
	const char *what = "pidfd_getfd";
	struct stat devpts;
	int s, excl = 0, queued = 0;

	if (stat("/dev/pts", &devpts) || devpts.st_dev != c->st->st_dev) {
		qr_error("process %d: fd %d is %s of another devpts instance (a container's): not carried",
			 c->pid, c->fd, c->link);
		return -1;
	}
	s = qr_fd_dup(c->pid, c->fd);
	/* A slave hung up (vhangup) answers EIO: nothing to carry. */
	if (s < 0 || (what = "TIOCGEXCL", ioctl(s, TIOCGEXCL, &excl)) ||
	    (what = "FIONREAD", ioctl(s, FIONREAD, &queued))) {
		qr_error("process %d: fd %d is %s: %s: %s: not carried", c->pid,
			 c->fd, c->link, what, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	close(s);
	if (queued > 0) {
		qr_error("process %d: fd %d is %s: %d bytes queued for its readers: not carried",
			 c->pid, c->fd, c->link, queued);
		return -1;
	}
	r.flags = excl ? QR_PTY_EXCL : 0;
	c->f->object = r.index;
	qr_fd_data_add(c->data, &r, sizeof(r));
	return 0;
}

static int pts_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *mf;
	struct qr_ptmx_rec mr;
	struct qr_pts_rec r;
	int m, s, off = 0, on = 1;
	int fl = f->f.open_flags;

	memcpy(&r, f->data, sizeof(r));
	mf = qr_pty_master(qr_files_image(t), r.index);
	if (!mf) {
		qr_error("restore: file %u (%s): its master is not in the image",
			 f->f.id, f->path);
		return -1;
	}
	memcpy(&mr, mf->data, sizeof(mr));
	m = qr_files_get(t, mf->f.id);
	if (m < 0)
		return -1;
	if ((mr.flags & QR_PTY_LOCKED) && ioctl(m, TIOCSPTLCK, &off))
		goto fail;
	s = ioctl(m, TIOCGPTPEER, (fl & (O_ACCMODE | O_NONBLOCK)) | O_NOCTTY);
	if (s < 0)
		goto fail;
	if (((mr.flags & QR_PTY_LOCKED) && ioctl(m, TIOCSPTLCK, &on)) ||
	    fcntl(s, F_SETFL, fl) ||
	    ((r.flags & QR_PTY_EXCL) && ioctl(s, TIOCEXCL))) {
		close(s);
		goto fail;
	}
	return s;
fail:
	qr_error("restore: file %u (%s): %s", f->f.id, f->path, strerror(errno));
	return -1;
}

const struct qr_fd_kind qr_fd_pts = {
	.kind = QRI_FD_PTS, .name = "pty slave",
	.match = pts_match, .capture = pts_capture,
	.valid = qr_pts_valid, .open = pts_open,
};
