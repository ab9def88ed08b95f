/* UNIX sockets: stream, datagram and seqpacket; socketpairs and pairs
 * made by connect/accept; bound to a path, an abstract name or unbound;
 * listening with their backlog and the connections queued on them;
 * shutdown state; buffer sizes, SO_PASSCRED, timeouts and SO_PEEK_OFF;
 * the data queued in each direction, message by message.
 *
 * Seen from outside through sock_diag (sockdiag.h) and a duplicate of
 * the fd (pidfd_getfd), whose queue is read with MSG_PEEK stepping
 * SO_PEEK_OFF: nothing is consumed, so a checkpoint that fails leaves
 * every queue as it was. Restore makes both ends of a pair at once
 * (socketpair; the peer handed over) and writes each end's queue from
 * the other end; a listener is bound and listens again, and each
 * connection it had queued is connected again, client end handed over.
 * Datagrams queued on a socket with no kept peer are sent again to its
 * name from a new unnamed socket (what recvfrom says of the sender is
 * lost).
 *
 * Not carried, refused by name: a peer or a queued connection outside
 * the kept set, file descriptors or credentials in flight, data sent on
 * a connection not yet accepted, a path name that is no longer the
 * socket's file (or relative, or under another root), datagrams queued
 * on an unnamed socket with no kept peer. Lost: a connected stream
 * socket's own name (an accepted socket shows its listener's: not bound
 * again), an empty datagram or seqpacket message behind another (MSG_PEEK
 * at an offset steps over it: 6.1 does, so its capture cannot see it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/kind.h"
#include "fds/sockdiag.h"
#include "fds/unix.h"
#include "lib/err.h"
#include "lib/exit.h"
#include "lib/strbuf.h"

#define RCV_SHUT 1	/* the kernel's RCV_SHUTDOWN, SEND_SHUTDOWN */
#define SEND_SHUT 2
/* The largest message a peek reads whole; larger ones are refused. */
#define MSG_MAX (4u << 20)

/* ---- image data ---- */

static bool known_type(uint8_t t)
{
	return t == SOCK_STREAM || t == SOCK_DGRAM || t == SOCK_SEQPACKET;
}

static bool known_state(uint8_t s)
{
	return s == TCP_ESTABLISHED || s == TCP_LISTEN || s == TCP_CLOSE;
}

int qr_unix_img_parse(const uint8_t *data, size_t len, struct qr_unix_img *u,
		      const char **why)
{
	const struct qr_unix_rec *r = &u->r;
	size_t off = sizeof(u->r);

	memset(u, 0, sizeof(*u));
	*why = "shorter than its record";
	if (!data || len < sizeof(u->r))
		return -1;
	memcpy(&u->r, data, sizeof(u->r));
	*why = "unknown type, state, shutdown or flags";
	if (!known_type(r->type) || !known_state(r->state) || r->shutdown > 3 ||
	    r->flags & ~QR_UNIX_FLAGS)
		return -1;
	*why = "bad name";
	if (r->name_len > QR_UNIX_NAME_MAX || r->name_len > len - off ||
	    (r->flags & QR_UNIX_BIND && !r->name_len))
		return -1;
	u->name = (const char *)data + off;
	if (r->name_len && u->name[0]) {
		/* A path: one 0, its last byte. */
		if (r->name_len < 2 || memchr(u->name, 0, r->name_len) !=
		    u->name + r->name_len - 1)
			return -1;
	} else if (r->flags & QR_UNIX_FILE) {
		return -1;
	}
	off += r->name_len;
	*why = "bad queued connections";
	if (r->nicons > QR_UNIX_MAX_ICONS || (r->nicons && r->state != TCP_LISTEN) ||
	    (size_t)r->nicons * 4 > len - off)
		return -1;
	u->icons = data + off;
	off += (size_t)r->nicons * 4;
	*why = "bad queued messages";
	if (r->nmsgs > QR_UNIX_MAX_MSGS || (r->nmsgs && r->state == TCP_LISTEN))
		return -1;
	u->msgs = data + off;
	u->msgs_len = len - off;
	for (uint32_t i = 0; i < r->nmsgs; i++) {
		uint32_t n;

		if (len - off < 4)
			return -1;
		memcpy(&n, data + off, 4);
		off += 4;
		if (n > len - off)
			return -1;
		off += n;
	}
	if (off != len)
		return -1;
	*why = "bad options";
	if (r->sndbuf < 0 || r->rcvbuf < 0 || r->peek_off < -1 ||
	    r->file_mode & ~07777u ||
	    r->rcvtimeo_us > 1ull << 50 || r->sndtimeo_us > 1ull << 50)
		return -1;
	return 0;
}

uint32_t qr_unix_icon(const struct qr_unix_img *u, uint32_t i)
{
	uint32_t v;

	memcpy(&v, u->icons + 4 * (size_t)i, 4);
	return v;
}

bool qr_unix_next_msg(const struct qr_unix_img *u, size_t *off,
		      const uint8_t **msg, uint32_t *len)
{
	if (*off + 4 > u->msgs_len)
		return false;
	memcpy(len, u->msgs + *off, 4);
	*msg = u->msgs + *off + 4;
	*off += 4 + *len;
	return true;
}

/* ---- capture ---- */

static bool unix_match(const char *link, const struct stat *st)
{
	struct qr_unix_diag d;

	if (strncmp(link, "socket:[", 8) || !S_ISSOCK(st->st_mode) ||
	    qr_unix_diag_one(st->st_ino, &d))
		return false;
	qr_unix_diag_free(&d);
	return true;
}

static int get_int(int s, int opt, int32_t *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(s, SOL_SOCKET, opt, v, &len);
}

static int get_time(int s, int opt, uint64_t *us)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(s, SOL_SOCKET, opt, &tv, &len))
		return -1;
	*us = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	return 0;
}

static int options(int s, struct qr_unix_rec *r)
{
	return get_int(s, SO_SNDBUF, &r->sndbuf) ||
	       get_int(s, SO_RCVBUF, &r->rcvbuf) ||
	       get_int(s, SO_PASSCRED, &r->passcred) ||
	       get_int(s, SO_PEEK_OFF, &r->peek_off) ||
	       get_time(s, SO_RCVTIMEO, &r->rcvtimeo_us) ||
	       get_time(s, SO_SNDTIMEO, &r->sndtimeo_us) ? -1 : 0;
}

/* Why the control data peeked with a message cannot be carried, NULL if
 * there is none (file descriptors peeked are closed). */
static const char *control(struct msghdr *m)
{
	const char *why = NULL;

	if (m->msg_flags & MSG_CTRUNC)
		why = "ancillary data in flight";
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int *fds = (int *)CMSG_DATA(c);
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++)
				close(fds[i]);
			why = "file descriptors in flight (SCM_RIGHTS)";
		} else if (!why && c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SCM_CREDENTIALS) {
			why = "credentials in flight (SCM_CREDENTIALS)";
		} else if (!why) {
			why = "ancillary data in flight";
		}
	}
	return why;
}

/* Appends the queue of s (a duplicate of the target's fd) to q as
 * messages, read with MSG_PEEK from offset 0 on: a stream socket's
 * bytes in pieces, a datagram or seqpacket socket's messages whole. The
 * socket's SO_PEEK_OFF is set back. */
static int peek_queue(struct qr_fd_capture *c, int s, struct qr_unix_rec *r,
		      const struct qr_unix_diag *d, struct qr_strbuf *q)
{
	static uint8_t buf[MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(64 * sizeof(int))];
	} cbuf;
	int zero = 0, rc = -1;
	uint64_t total = 0;
	const char *why = NULL;

	if (setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero))) {
		qr_error("process %d: fd %d: UNIX socket: SO_PEEK_OFF: %s",
			 c->pid, c->fd, strerror(errno));
		return -1;
	}
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf.b,
				    .msg_controllen = sizeof(cbuf.b) };
		ssize_t n;
		uint32_t len;

		/* A stream or seqpacket socket shut for reading says 0 at
		 * the end rather than EAGAIN: its byte count says when. */
		if (r->type != SOCK_DGRAM && r->shutdown & RCV_SHUT &&
		    total >= d->rqueue)
			break;
		n = recvmsg(s, &m, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			why = strerror(errno);
			break;
		}
		why = control(&m);
		if (why)
			break;
		if (m.msg_flags & MSG_TRUNC) {
			why = "a message larger than 4 MiB queued";
			break;
		}
		if (!n && r->type == SOCK_STREAM)
			break;
		if (r->nmsgs == QR_UNIX_MAX_MSGS) {
			why = "too many messages queued";
			break;
		}
		len = n;
		qr_strbuf_add(q, (const char *)&len, 4);
		qr_strbuf_add(q, (const char *)buf, len);
		if (qr_strbuf_failed(q) || q->len > QRI_MAX_FILE_DATA / 2) {
			why = "too much data queued";
			break;
		}
		r->nmsgs++;
		total += len;
	}
	if (setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &r->peek_off,
		       sizeof(r->peek_off)))
		qr_error("process %d: fd %d: UNIX socket: SO_PEEK_OFF set back: %s",
			 c->pid, c->fd, strerror(errno));
	else if (!why)
		rc = 0;
	if (why)
		qr_error("process %d: fd %d: UNIX socket: %s: not carried",
			 c->pid, c->fd, why);
	return rc;
}

/* A path name is bound again at restore: it must still be the socket's
 * file, seen from a process whose root is the system's. */
static int check_path(struct qr_fd_capture *c, const struct qr_unix_diag *d,
		      struct qr_unix_rec *r)
{
	char root[16], name[QR_UNIX_NAME_MAX + 2];
	const char *path = qr_unix_name_str(d->name, d->name_len, name);
	struct stat st;
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/%d/root", c->pid);
	n = readlink(proc, root, sizeof(root));
	if (path[0] != '/' || n != 1 || root[0] != '/') {
		qr_error("process %d: fd %d: UNIX socket bound to %s, a relative path or in another root: not carried yet",
			 c->pid, c->fd, path);
		return -1;
	}
	if (!d->has_vfs || lstat(path, &st) || !S_ISSOCK(st.st_mode) ||
	    st.st_ino != d->vfs_ino) {
		qr_error("process %d: fd %d: UNIX socket bound to %s, which is no longer its file: not carried",
			 c->pid, c->fd, path);
		return -1;
	}
	r->flags |= QR_UNIX_FILE;
	r->file_mode = st.st_mode & 07777;
	r->file_uid = st.st_uid;
	r->file_gid = st.st_gid;
	return 0;
}

/* Whether d is one of a connected pair (or was: the other closed). Its
 * queue is then written back by the other end, else sent to its name. */
static bool in_pair(const struct qr_unix_diag *d)
{
	struct qr_unix_diag p;
	bool mutual;

	if (d->state != TCP_ESTABLISHED)
		return false;
	if (!d->peer)
		return true;
	if (qr_unix_diag_one(d->peer, &p))
		return false;
	mutual = p.peer == d->ino;
	qr_unix_diag_free(&p);
	return mutual;
}

static void add(struct qr_fd_capture *c, const void *p, size_t len)
{
	if (len)
		qr_fd_data_add(c->data, p, len);
}

static int unix_capture(struct qr_fd_capture *c)
{
	struct qr_unix_rec r = { 0 };
	struct qr_strbuf q = { 0 };
	struct qr_unix_diag d;
	int s = -1, rc = -1;

	if (qr_unix_diag_one(c->st->st_ino, &d)) {
		qr_error("process %d: fd %d: UNIX socket %lu not found by sock_diag (another network namespace?): not carried",
			 c->pid, c->fd, (unsigned long)c->st->st_ino);
		return -1;
	}
	if (!known_type(d.type) || !known_state(d.state)) {
		qr_error("process %d: fd %d: UNIX socket of type %u in state %u: not carried",
			 c->pid, c->fd, d.type, d.state);
		goto out;
	}
	r.type = d.type;
	r.state = d.state;
	r.shutdown = d.shutdown & 3;
	r.ino = d.ino;
	r.peer = d.peer;
	r.name_len = d.name_len;
	c->f->object = d.ino;
	/* A connected stream socket's name may be its listener's. */
	if (d.name_len && (d.state != TCP_ESTABLISHED || d.type == SOCK_DGRAM))
		r.flags |= QR_UNIX_BIND;
	if (r.flags & QR_UNIX_BIND && d.name[0] && check_path(c, &d, &r))
		goto out;
	if (d.state == TCP_LISTEN) {
		r.backlog = d.wqueue;
		r.nicons = d.nicons;
	} else if (d.state == TCP_ESTABLISHED && !d.peer &&
		   d.type != SOCK_DGRAM && !d.shutdown) {
		r.flags |= QR_UNIX_PENDING;
	}
	s = qr_fd_dup(c->pid, c->fd);	/* its socket, not a copy */
	if (s < 0 || options(s, &r)) {
		qr_error("process %d: fd %d: UNIX socket: cannot read its options: %s",
			 c->pid, c->fd, strerror(errno));
		goto out;
	}
	/* Only a connected socket or a datagram one has a queue to read. */
	if ((d.type == SOCK_DGRAM || (d.state == TCP_ESTABLISHED &&
				      !(r.flags & QR_UNIX_PENDING))) &&
	    peek_queue(c, s, &r, &d, &q))
		goto out;
	if (d.type == SOCK_DGRAM && r.nmsgs && !(r.flags & QR_UNIX_BIND) &&
	    !in_pair(&d)) {
		qr_error("process %d: fd %d: UNIX socket: datagrams queued on an unnamed socket that is not one of a pair: not carried",
			 c->pid, c->fd);
		goto out;
	}
	add(c, &r, sizeof(r));
	add(c, d.name, d.name_len);
	add(c, d.icons, (size_t)d.nicons * 4);
	add(c, q.s, q.len);
	if (c->data->oom) {
		qr_error("process %d: fd %d: UNIX socket: too much to record",
			 c->pid, c->fd);
		goto out;
	}
	rc = 0;
out:
	qr_strbuf_free(&q);
	if (s >= 0)
		close(s);
	qr_unix_diag_free(&d);
	return rc;
}

/* ---- the kept set ---- */

static bool kept(const struct qr_fd_set *s, uint32_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == QRI_FD_UNIX && s->v[i].object == ino)
			return true;
	return false;
}

static bool kept_process(const struct qr_fd_set *s, int pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].pid == pid)
			return true;
	return false;
}

/* Whether the socket ino is outside the kept set, then described in buf
 * as "NAME (socket I), held by process P (fd N)". One held by a kept
 * process but not in the set was refused with its own fd. */
static bool outside(const struct qr_fd_set *s, uint32_t ino,
		    const struct qr_unix_diag *all, size_t n, char *buf,
		    size_t size)
{
	const struct qr_unix_diag *d = qr_unix_diag_find(all, n, ino);
	char name[QR_UNIX_NAME_MAX + 2];
	const char *what = d ? qr_unix_name_str(d->name, d->name_len, name) :
			       "a socket gone";
	int pid, fd;

	if (kept(s, ino))
		return false;
	if (qr_unix_holder(ino, &pid, &fd)) {
		snprintf(buf, size, "%s (socket %u), held by no process", what, ino);
		return true;
	}
	snprintf(buf, size, "%s (socket %u), held by process %d (fd %d)", what,
		 ino, pid, fd);
	return !kept_process(s, pid);
}

/* The listener whose queue holds the connection of client ino. */
static const struct qr_unix_diag *listener_of(const struct qr_unix_diag *all,
					      size_t n, uint32_t ino)
{
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < all[i].nicons; k++)
			if (all[i].icons[k] == ino)
				return &all[i];
	return NULL;
}

/* One socket of the set against all the others: how many refusals. */
static int check_one(const struct qr_fd_set *s, const struct qr_fd_seen *f,
		     const struct qr_unix_diag *all, size_t n)
{
	const struct qr_unix_diag *d = qr_unix_diag_find(all, n, f->object), *l;
	char buf[2 * QR_UNIX_NAME_MAX + 128];
	int refused = 0;

	if (!d)
		return 0;	/* gone since capture, which said so */
	if (d->peer && outside(s, d->peer, all, n, buf, sizeof(buf))) {
		qr_error("process %d: fd %d: UNIX socket connected to %s, outside the kept set: not carried",
			 f->pid, f->fd, buf);
		refused++;
	}
	for (uint32_t k = 0; d->state == TCP_LISTEN && k < d->nicons; k++) {
		const struct qr_unix_diag *cl = qr_unix_diag_find(all, n, d->icons[k]);

		if (outside(s, d->icons[k], all, n, buf, sizeof(buf))) {
			qr_error("process %d: fd %d: UNIX socket has a connection not yet accepted from %s, outside the kept set: not carried",
				 f->pid, f->fd, buf);
			refused++;
		} else if (cl && cl->wmem) {
			qr_error("process %d: fd %d: UNIX socket has a connection not yet accepted with data sent on it: not carried",
				 f->pid, f->fd);
			refused++;
		}
	}
	if (d->state == TCP_ESTABLISHED && !d->peer && d->type != SOCK_DGRAM &&
	    !d->shutdown) {
		l = listener_of(all, n, d->ino);
		if (!l) {
			qr_error("process %d: fd %d: UNIX socket connected to a socket found nowhere: not carried",
				 f->pid, f->fd);
			refused++;
		} else if (outside(s, l->ino, all, n, buf, sizeof(buf))) {
			qr_error("process %d: fd %d: UNIX socket waits to be accepted by %s, outside the kept set: not carried",
				 f->pid, f->fd, buf);
			refused++;
		}
	}
	return refused;
}

static int unix_check_set(const struct qr_fd_set *s)
{
	struct qr_unix_diag *all;
	int refused = 0;
	size_t n;

	if (qr_unix_diag_all(&all, &n))
		return 1;
	for (size_t i = 0; i < s->n; i++) {
		bool first = true;

		if (s->v[i].kind != QRI_FD_UNIX)
			continue;
		/* One verdict per socket, at its first fd. */
		for (size_t j = 0; j < i && first; j++)
			if (s->v[j].kind == QRI_FD_UNIX &&
			    s->v[j].object == s->v[i].object)
				first = false;
		if (first)
			refused += check_one(s, &s->v[i], all, n);
	}
	qr_unix_diag_free_all(all, n);
	return refused;
}

/* ---- restore ---- */

/* What a sender's buffer is while the queues are written back: large
 * enough for any queue capture took. */
#define WRITE_BUF (QRI_MAX_FILE_DATA)

struct end {
	const struct qri_file_img *f;
	struct qr_unix_img u;
	int fd;
};

static int fail(const struct end *e, const char *what)
{
	qr_error("restore: file %u (UNIX socket %u): %s: %s", e->f->f.id,
		 e->u.r.ino, what, strerror(errno));
	return -1;
}

static int parse(const struct qri_file_img *f, struct end *e)
{
	const char *why;

	e->f = f;
	e->fd = -1;
	if (f->f.kind != QRI_FD_UNIX ||
	    qr_unix_img_parse(f->data, f->f.data_len, &e->u, &why)) {
		qr_error("restore: file %u: UNIX socket: bad image data: %s",
			 f->f.id, f->f.kind != QRI_FD_UNIX ? "not a socket" : why);
		return -1;
	}
	return 0;
}

/* The image's UNIX socket with this inode, parsed into e: 0, or -1
 * having printed why. */
static int find(const struct qri_image *img, uint32_t ino, const struct end *by,
		const char *what, struct end *e)
{
	for (size_t i = 0; ino && i < img->nfiles; i++)
		if (img->files[i].f.kind == QRI_FD_UNIX &&
		    img->files[i].f.object == ino)
			return parse(&img->files[i], e);
	qr_error("restore: file %u (UNIX socket %u): its %s (socket %u) is not in the image",
		 by->f->f.id, by->u.r.ino, what, ino);
	return -1;
}

static socklen_t addr_of(const struct qr_unix_img *u, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, u->name, u->r.name_len);
	return offsetof(struct sockaddr_un, sun_path) + u->r.name_len;
}

static int set_int(int s, int opt, int v)
{
	return setsockopt(s, SOL_SOCKET, opt, &v, sizeof(v));
}

static int set_time(int s, int opt, uint64_t us)
{
	struct timeval tv = { us / 1000000, us % 1000000 };

	return setsockopt(s, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* The options, once the queues are written (SO_SNDBUF/SO_RCVBUF read
 * twice what was set). */
static int options_set(const struct end *e)
{
	const struct qr_unix_rec *r = &e->u.r;

	if (set_int(e->fd, SO_SNDBUFFORCE, r->sndbuf / 2) ||
	    set_int(e->fd, SO_RCVBUFFORCE, r->rcvbuf / 2) ||
	    set_int(e->fd, SO_PASSCRED, r->passcred) ||
	    set_time(e->fd, SO_RCVTIMEO, r->rcvtimeo_us) ||
	    set_time(e->fd, SO_SNDTIMEO, r->sndtimeo_us) ||
	    set_int(e->fd, SO_PEEK_OFF, r->peek_off) ||
	    fcntl(e->fd, F_SETFL, e->f->f.open_flags & O_NONBLOCK))
		return fail(e, "options");
	return 0;
}

static int make(struct end *e)
{
	e->fd = socket(AF_UNIX, e->u.r.type | SOCK_CLOEXEC, 0);
	if (e->fd >= 0 && set_int(e->fd, SO_SNDBUFFORCE, WRITE_BUF)) {
		fail(e, "socket");
		close(e->fd);
		e->fd = -1;
		return -1;
	}
	return e->fd < 0 ? fail(e, "socket") : 0;
}

/* Binds e to its name; a path's old socket file (not any other file) is
 * removed first, and the new one gets the old one's mode and owner. */
static int bind_name(struct end *e)
{
	const struct qr_unix_rec *r = &e->u.r;
	struct sockaddr_un a;
	socklen_t len = addr_of(&e->u, &a);
	struct stat st;

	if (!(r->flags & QR_UNIX_BIND))
		return 0;
	if (r->flags & QR_UNIX_FILE && !lstat(a.sun_path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EEXIST;
			return fail(e, a.sun_path);
		}
		if (unlink(a.sun_path))
			return fail(e, a.sun_path);
	}
	if (bind(e->fd, (struct sockaddr *)&a, len))
		return fail(e, "bind");
	if (r->flags & QR_UNIX_FILE &&
	    (lchown(a.sun_path, r->file_uid, r->file_gid) ||
	     chmod(a.sun_path, r->file_mode)))
		return fail(e, a.sun_path);
	return 0;
}

/* Writes the queue of `to` from s (sent to `addr` if given), each
 * message whole. */
static int write_queue(const struct end *to, int s, const struct sockaddr_un *addr,
		       socklen_t alen)
{
	const uint8_t *m;
	size_t off = 0;
	uint32_t len;

	while (qr_unix_next_msg(&to->u, &off, &m, &len)) {
		size_t done = 0;

		do {
			ssize_t n = sendto(s, m + done, len - done,
					   MSG_DONTWAIT | MSG_NOSIGNAL,
					   (const struct sockaddr *)addr, alen);

			if (n < 0)
				return fail(to, "writing its queue back");
			done += n;
		} while (done < len && to->u.r.type == SOCK_STREAM);
		if (done < len) {
			errno = EMSGSIZE;
			return fail(to, "writing its queue back");
		}
	}
	return 0;
}

static int shut(const struct end *e)
{
	int how = e->u.r.shutdown == 3 ? SHUT_RDWR :
		  e->u.r.shutdown == SEND_SHUT ? SHUT_WR : SHUT_RD;

	if (e->u.r.shutdown && shutdown(e->fd, how))
		return fail(e, "shutdown");
	return 0;
}

/* Writes e's queue from a socket of its own, to e's name, before e
 * connects anywhere (then anyone may send to it). */
static int queue_by_name(struct end *e)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&e->u, &a);
	struct end tmp = { .f = e->f, .u = e->u };
	int rc;

	if (!e->u.r.nmsgs)
		return 0;
	if (!(e->u.r.flags & QR_UNIX_BIND)) {
		errno = EDESTADDRREQ;
		return fail(e, "data queued on an unbound socket");
	}
	if (make(&tmp))
		return -1;
	rc = write_queue(e, tmp.fd, &a, len);
	close(tmp.fd);
	return rc;
}

/* Both ends of a connection at once: e's queue written from p's end
 * and p's from e's, then the shutdowns; p handed over. */
static int pair(struct qr_files *t, struct end *e, struct end *p)
{
	int sv[2], rc;

	if (socketpair(AF_UNIX, e->u.r.type | SOCK_CLOEXEC, 0, sv))
		return fail(e, "socketpair");
	e->fd = sv[0];
	p->fd = sv[1];
	if (set_int(e->fd, SO_SNDBUFFORCE, WRITE_BUF) ||
	    set_int(p->fd, SO_SNDBUFFORCE, WRITE_BUF))
		return fail(e, "socketpair");
	if (write_queue(e, p->fd, NULL, 0) || write_queue(p, e->fd, NULL, 0) ||
	    shut(e) || shut(p) || options_set(p))
		return -1;
	rc = qr_files_put(t, p->f->f.id, p->fd);	/* which owns it now */
	p->fd = -1;
	return rc;
}

/* A connection whose other end is closed: a pair, the other end
 * closed once it wrote e's queue. */
static int orphan(struct end *e)
{
	int sv[2], rc;

	if (socketpair(AF_UNIX, e->u.r.type | SOCK_CLOEXEC, 0, sv))
		return fail(e, "socketpair");
	e->fd = sv[0];
	rc = set_int(sv[1], SO_SNDBUFFORCE, WRITE_BUF) ? fail(e, "socketpair") :
	     write_queue(e, sv[1], NULL, 0);
	close(sv[1]);
	return rc ? rc : shut(e);
}

/* A datagram socket connected to p, which is not connected back. */
static int one_way(struct qr_files *t, struct end *e, struct end *p)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&p->u, &a);

	if (make(e) || bind_name(e) || queue_by_name(e))
		return -1;
	if (!(p->u.r.flags & QR_UNIX_BIND)) {
		errno = EDESTADDRREQ;
		return fail(e, "connected to an unbound socket");
	}
	if (qr_files_get(t, p->f->f.id) < 0)
		return -1;
	if (connect(e->fd, (struct sockaddr *)&a, len))
		return fail(e, "connect");
	return shut(e);
}

/* A listener, then each connection it had queued, in order: a client
 * end connected to it and handed over. */
static int listener(struct qr_files *t, const struct qri_image *img,
		    struct end *e)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&e->u, &a);

	if (make(e) || bind_name(e))
		return -1;
	if (listen(e->fd, e->u.r.backlog))
		return fail(e, "listen");
	for (uint32_t i = 0; i < e->u.r.nicons; i++) {
		struct end c;

		if (find(img, qr_unix_icon(&e->u, i), e, "queued connection", &c) ||
		    make(&c))
			return -1;
		if (fcntl(c.fd, F_SETFL, O_NONBLOCK) ||
		    connect(c.fd, (struct sockaddr *)&a, len)) {
			fail(&c, "connect");
			close(c.fd);
			return -1;
		}
		if (options_set(&c)) {
			close(c.fd);
			return -1;
		}
		if (qr_files_put(t, c.f->f.id, c.fd))	/* closed it */
			return -1;
	}
	return 0;
}

/* A client whose connection waits on a listener: made by the
 * listener's restore, which this asks for. The table keeps the client
 * end the listener handed over and closes what this returns. */
static int pending(struct qr_files *t, const struct qri_image *img,
		   struct end *e)
{
	for (size_t i = 0; i < img->nfiles; i++) {
		struct end l;
		int fd;

		if (img->files[i].f.kind != QRI_FD_UNIX || parse(&img->files[i], &l))
			continue;
		for (uint32_t k = 0; k < l.u.r.nicons; k++) {
			if (qr_unix_icon(&l.u, k) != e->u.r.ino)
				continue;
			fd = qr_files_get(t, l.f->f.id);
			return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
		}
	}
	errno = ENOENT;
	return fail(e, "the listener it waits on is not in the image");
}

static int unix_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_image *img = qr_files_image(t);
	struct end e, p;
	int rc;

	if (parse(f, &e))
		return -1;
	if (e.u.r.state == TCP_LISTEN) {
		rc = listener(t, img, &e);
	} else if (e.u.r.state == TCP_CLOSE) {
		rc = make(&e) || bind_name(&e) || queue_by_name(&e) || shut(&e) ? -1 : 0;
	} else if (e.u.r.flags & QR_UNIX_PENDING) {
		return pending(t, img, &e);
	} else if (!e.u.r.peer) {
		rc = orphan(&e);
	} else if (find(img, e.u.r.peer, &e, "peer", &p)) {
		rc = -1;
	} else if (p.u.r.peer == e.u.r.ino && p.u.r.type == e.u.r.type) {
		rc = pair(t, &e, &p);
		if (p.fd >= 0)
			close(p.fd);
	} else if (e.u.r.type == SOCK_DGRAM) {
		rc = one_way(t, &e, &p);
	} else {
		errno = EINVAL;
		rc = fail(&e, "its peer is connected elsewhere");
	}
	if (!rc)
		rc = options_set(&e);
	if (rc && e.fd >= 0)
		close(e.fd);
	return rc ? -1 : e.fd;
}

static int unix_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_unix_img u;
	const char *why;

	if (qr_unix_img_parse(f->data, f->f.data_len, &u, &why))
		return qr_err_set(e, "UNIX socket: %s", why);
	return 0;
}

const struct qr_fd_kind qr_fd_unix = {
	.kind = QRI_FD_UNIX, .name = "UNIX socket",
	.match = unix_match, .capture = unix_capture,
	.check_set = unix_check_set, .valid = unix_valid, .open = unix_open,
};
