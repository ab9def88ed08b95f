/* A pty master (/dev/ptmx): see pty.h. Captured through a duplicate of
 * the process's fd: its index, the pair's state, the session it
 * controls, and (at the checkpoint, the processes frozen) the bytes its
 * reader has not read, read and put back at once (pty_queue.h). Restored
 * by opening /dev/ptmx again until the kernel gives index N, the others
 * held meanwhile then closed. */
#define _GNU_SOURCE
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/pty.h"
#include "fds/pty_queue.h"
#include "lib/exit.h"

static bool ptmx_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && S_ISCHR(st->st_mode) &&
		major(st->st_rdev) == 5 && minor(st->st_rdev) == 2;
}

/* Whether pid sees the devpts this process sees at /dev/pts (the same
 * mount namespace): a container's master is of its own instance. */
static bool same_mounts(pid_t pid)
{
	char p[64];
	struct stat a, b;

	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", pid);
	return !stat(p, &a) && !stat("/proc/self/ns/mnt", &b) &&
		a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Read-only questions to the master m, into r. 0, or -1 with the failed
 * one in *what. */
static int ask(int m, struct qr_ptmx_rec *r, const char **what)
{
	struct termios2 tio;
	struct winsize ws;
	struct pollfd pfd = { .fd = m, .events = POLLIN };
	int v, sid = 0, pgrp = 0;

	if ((*what = "TIOCGPTN", ioctl(m, TIOCGPTN, &r->index)) ||
	    (*what = "TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &v)))
		return -1;
	r->flags |= v ? QR_PTY_LOCKED : 0;
	if ((*what = "TIOCGPKT", ioctl(m, TIOCGPKT, &v)))
		return -1;
	r->flags |= v ? QR_PTY_PACKET : 0;
	if ((*what = "TIOCGEXCL", ioctl(m, TIOCGEXCL, &v)))
		return -1;
	r->flags |= v ? QR_PTY_EXCL : 0;
	/* On a master these ask its slave, whose termios is the pair's. */
	if ((*what = "TCGETS2", ioctl(m, TCGETS2, &tio)) ||
	    (*what = "TIOCGWINSZ", ioctl(m, TIOCGWINSZ, &ws)))
		return -1;
	r->iflag = tio.c_iflag;
	r->oflag = tio.c_oflag;
	r->cflag = tio.c_cflag;
	r->lflag = tio.c_lflag;
	r->line = tio.c_line;
	memcpy(r->cc, tio.c_cc, sizeof(r->cc));
	r->ispeed = tio.c_ispeed;
	r->ospeed = tio.c_ospeed;
	r->ws_row = ws.ws_row;
	r->ws_col = ws.ws_col;
	r->ws_xpixel = ws.ws_xpixel;
	r->ws_ypixel = ws.ws_ypixel;
	/* ENOTTY: the slave is no session's controlling terminal. */
	*what = "TIOCGSID";
	if (ioctl(m, TIOCGSID, &sid) && errno != ENOTTY)
		return -1;
	*what = "TIOCGPGRP";
	if (sid > 0 && ioctl(m, TIOCGPGRP, &pgrp))
		return -1;
	r->sid = sid > 0 ? (uint32_t)sid : 0;
	r->pgrp = sid > 0 && pgrp > 0 ? (uint32_t)pgrp : 0;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
		r->flags |= QR_PTY_HUP;
	return 0;
}

static int ptmx_capture(struct qr_fd_capture *c)
{
	struct qr_ptmx_rec r = { 0 };
	struct qr_pty_queue q = { 0 };
	struct pollfd pri = { .events = POLLPRI };
	const char *what = "pidfd_getfd";
	char pts[64], why[256];
	struct stat st;
	int m, queued = 0, rc = -1;

	if (!same_mounts(c->pid)) {
		qr_error("process %d: fd %d is %s of another mount namespace (its own devpts): not carried",
			 c->pid, c->fd, c->link);
		return -1;
	}
	m = qr_fd_dup(c->pid, c->fd);
	if (m < 0 || ask(m, &r, &what) ||
	    (what = "FIONREAD", ioctl(m, FIONREAD, &queued))) {
		qr_error("process %d: fd %d is %s: %s: %s", c->pid, c->fd,
			 c->link, what, strerror(errno));
		goto out;
	}
	snprintf(pts, sizeof(pts), "/dev/pts/%u", r.index);
	if (stat(pts, &st) || qr_pty_index(st.st_rdev) != (long)r.index) {
		qr_error("process %d: fd %d is %s: its slave %s is not there: not carried",
			 c->pid, c->fd, c->link, pts);
		goto out;
	}
	/* `check` reads nothing: the process runs on. */
	pri.fd = m;
	if (queued > 0 && c->check_only && (r.flags & QR_PTY_PACKET) &&
	    poll(&pri, 1, 0) == 1 && (pri.revents & POLLPRI)) {
		qr_error("process %d: fd %d is %s (pts/%u): a packet mode status not yet read: not carried",
			 c->pid, c->fd, c->link, r.index);
		goto out;
	}
	if (queued > 0 && !c->check_only &&
	    qr_pty_out_take(m, r.flags & QR_PTY_PACKET, &q, why, sizeof(why))) {
		qr_error("process %d: fd %d is %s (pts/%u): %d bytes its terminal's programs wrote, not yet read: %s: not carried",
			 c->pid, c->fd, c->link, r.index, queued, why);
		goto out;
	}
	r.uid = st.st_uid;
	r.gid = st.st_gid;
	r.mode = st.st_mode & 07777;
	r.queue_len = q.len;
	c->f->object = r.index;
	qr_strbuf_add(c->data, &r, sizeof(r));
	qr_strbuf_add(c->data, q.buf, q.len);
	rc = 0;
out:
	free(q.buf);
	if (m >= 0)
		close(m);
	return rc;
}

/* /dev/ptmx opened until the kernel gives index want; the ones before it
 * closed. */
static int open_index(const struct qri_file_img *f, uint32_t want)
{
	int *held = calloc((size_t)want + 1, sizeof(int)), n = 0, fd = -1;
	unsigned int got = 0;
	struct stat st;

	if (!held) {
		qr_error("restore: pts/%u: out of memory", want);
		return -1;
	}
	while (n <= (int)want) {
		fd = qr_fd_reopen(f, O_CLOEXEC);
		if (fd < 0)
			break;
		if (fstat(fd, &st) || !ptmx_match(f->path, &st) ||
		    ioctl(fd, TIOCGPTN, &got)) {
			qr_error("restore: file %u: %s is not a pty master",
				 f->f.id, f->path);
			close(fd);
			fd = -1;
			break;
		}
		if (got == want)
			break;
		if (got > want) {
			qr_error("restore: file %u: pts/%u is taken (the kernel gave pts/%u)",
				 f->f.id, want, got);
			close(fd);
			fd = -1;
			break;
		}
		held[n++] = fd;
		fd = -1;
	}
	while (n--)
		close(held[n]);
	free(held);
	return fd;
}

/* /dev/pts/N beside the ptmx the image names, its owner and mode as they
 * were (devpts makes it with the opener's and the mount's). */
static int slave_attrs(const struct qri_file_img *f, const struct qr_ptmx_rec *r)
{
	const char *slash = strrchr(f->path, '/');
	int dirlen = (int)(slash - f->path), o, rc = -1;
	char path[QRI_MAX_PATH + 64];
	struct stat st;

	/* /dev/ptmx: /dev/pts/N; devpts's own /dev/pts/ptmx: /dev/pts/N. */
	snprintf(path, sizeof(path), "%.*s%s/%u", dirlen, f->path,
		 dirlen >= 4 && !strncmp(slash - 4, "/pts", 4) ? "" : "/pts",
		 r->index);
	o = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (o < 0 || fstat(o, &st) || qr_pty_index(st.st_rdev) != (long)r->index) {
		qr_error("restore: file %u: %s is not pts/%u", f->f.id, path,
			 r->index);
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", o);
	if (chown(path, r->uid, r->gid) || chmod(path, r->mode)) {
		qr_error("restore: file %u: pts/%u owner %u:%u mode 0%o: %s",
			 f->f.id, r->index, r->uid, r->gid, r->mode, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (o >= 0)
		close(o);
	return rc;
}

/* The pair's state on its new master m. */
static int set_pair(const struct qri_file_img *f, const struct qr_ptmx_rec *r,
		    int m)
{
	const uint8_t *queue = f->data + sizeof(*r);
	char why[256];
	struct termios2 tio = {
		.c_iflag = r->iflag, .c_oflag = r->oflag, .c_cflag = r->cflag,
		.c_lflag = r->lflag, .c_line = r->line,
		.c_ispeed = r->ispeed, .c_ospeed = r->ospeed,
	};
	struct winsize ws = { r->ws_row, r->ws_col, r->ws_xpixel, r->ws_ypixel };
	int on = 1, off = 0;
	const char *what;

	memcpy(tio.c_cc, r->cc, sizeof(r->cc));
	if ((what = "TCSETS2", ioctl(m, TCSETS2, &tio)) ||
	    (what = "TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws)) ||
	    (what = "TIOCPKT", (r->flags & QR_PTY_PACKET) && ioctl(m, TIOCPKT, &on)) ||
	    (what = "TIOCEXCL", (r->flags & QR_PTY_EXCL) && ioctl(m, TIOCEXCL)) ||
	    (what = "TIOCSPTLCK", ioctl(m, TIOCSPTLCK, &off))) {
		qr_error("restore: file %u (pts/%u): %s: %s", f->f.id, r->index,
			 what, strerror(errno));
		return -1;
	}
	if (slave_attrs(f, r))
		return -1;
	if (r->queue_len && qr_pty_out_put(m, queue, r->queue_len, why, sizeof(why))) {
		qr_error("restore: file %u (pts/%u): its queue: %s", f->f.id,
			 r->index, why);
		return -1;
	}
	if (r->flags & QR_PTY_HUP) {
		/* A slave opened and closed: its reads fail with EIO again. */
		int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);

		if (s < 0) {
			qr_error("restore: file %u (pts/%u): its slave closed: %s",
				 f->f.id, r->index, strerror(errno));
			return -1;
		}
		close(s);
	}
	/* Locked again once every slave of the image is open (pts.c). */
	if ((r->flags & QR_PTY_LOCKED) && ioctl(m, TIOCSPTLCK, &on)) {
		qr_error("restore: file %u (pts/%u): TIOCSPTLCK: %s", f->f.id,
			 r->index, strerror(errno));
		return -1;
	}
	return 0;
}

static int ptmx_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct qr_ptmx_rec r;
	int m;

	(void)t;
	memcpy(&r, f->data, sizeof(r));
	m = open_index(f, r.index);
	if (m < 0)
		return -1;
	if (set_pair(f, &r, m)) {
		close(m);
		return -1;
	}
	return m;
}

const struct qr_fd_kind qr_fd_ptmx = {
	.kind = QRI_FD_PTMX, .name = "pty master",
	.match = ptmx_match, .capture = ptmx_capture,
	.check_set = qr_pty_check_set, .valid = qr_ptmx_valid, .open = ptmx_open,
};
