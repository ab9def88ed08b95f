/* A pty slave (/dev/pts/N): see pty.h. Captured through a duplicate:
 * its exclusive mode, and the bytes queued for its readers: in
 * non-canonical mode read and put back at once (pty_queue.h), in
 * canonical mode refused with their count (a line there is read whole or
 * not at all, and one not yet ended cannot even be seen: FIONREAD counts
 * whole lines only). A slave of another devpts instance (a container's)
 * or under another line discipline than N_TTY is refused. Restored through its master, which the image must hold
 * (check_set refuses one held outside the kept set). */
#define _GNU_SOURCE
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/pty.h"
#include "fds/pty_queue.h"
#include "lib/exit.h"

static bool pts_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && S_ISCHR(st->st_mode) &&
		qr_pty_index(st->st_rdev) >= 0;
}

static int pts_capture(struct qr_fd_capture *c)
{
	struct qr_pts_rec r = { .index = qr_pty_index(c->st->st_rdev) };
	struct qr_pty_queue q = { 0 };
	const char *what = "pidfd_getfd";
	struct termios2 t;
	struct stat devpts;
	char why[256];
	int s, excl = 0, queued = 0, ldisc = 0, rc = -1;

	if (stat("/dev/pts", &devpts) || devpts.st_dev != c->st->st_dev) {
		qr_error("process %d: fd %d is %s of another devpts instance (a container's): not carried",
			 c->pid, c->fd, c->link);
		return -1;
	}
	s = qr_fd_dup(c->pid, c->fd);
	/* A slave hung up (vhangup) answers EIO: nothing to carry. */
	if (s < 0 || (what = "TIOCGEXCL", ioctl(s, TIOCGEXCL, &excl)) ||
	    (what = "TCGETS2", ioctl(s, TCGETS2, &t)) ||
	    (what = "TIOCGETD", ioctl(s, TIOCGETD, &ldisc)) ||
	    (what = "FIONREAD", ioctl(s, FIONREAD, &queued))) {
		qr_error("process %d: fd %d is %s: %s: %s: not carried", c->pid,
			 c->fd, c->link, what, strerror(errno));
		goto out;
	}
	/* Another line discipline (PPP, SLIP...) holds state of its own. */
	if (ldisc != N_TTY) {
		qr_error("process %d: fd %d is %s: line discipline %d, not N_TTY: not carried",
			 c->pid, c->fd, c->link, ldisc);
		goto out;
	}
	if (queued > 0 && (t.c_lflag & ICANON)) {
		qr_error("process %d: fd %d is %s: %d bytes queued for its readers in canonical mode: not carried",
			 c->pid, c->fd, c->link, queued);
		goto out;
	}
	if (queued > 0 && !c->check_only &&
	    qr_pty_in_take(s, &q, why, sizeof(why))) {
		qr_error("process %d: fd %d is %s: %d bytes queued for its readers: %s: not carried",
			 c->pid, c->fd, c->link, queued, why);
		goto out;
	}
	r.flags = excl ? QR_PTY_EXCL : 0;
	r.queue_len = q.len;
	c->f->object = r.index;
	qr_strbuf_add(c->data, &r, sizeof(r));
	qr_strbuf_add(c->data, q.buf, q.len);
	rc = 0;
out:
	free(q.buf);
	if (s >= 0)
		close(s);
	return rc;
}

static int pts_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *mf;
	struct qr_ptmx_rec mr;
	struct qr_pts_rec r;
	int m, s, off = 0, on = 1;
	int fl = f->f.open_flags;
	char why[256];

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
	/* The pair's input, once: by its first slave in the image. */
	if (r.queue_len && qr_files_first_kin(t, f) == f &&
	    qr_pty_in_put(s, f->data + sizeof(r), r.queue_len, why, sizeof(why))) {
		qr_error("restore: file %u (%s): its queue: %s", f->f.id,
			 f->path, why);
		close(s);
		return -1;
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
