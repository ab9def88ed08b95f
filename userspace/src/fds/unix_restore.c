/* UNIX sockets made again (unix_kind.h), in quickreboot restore before
 * any process exists. Both ends of a connection at once: a socketpair
 * made with the credentials both ends report, or, where an end has a
 * name (an accepted socket shows its listener's) or the two report
 * different peers, an accept: a listener bound at the accepted end's
 * name for that moment, listening with the credentials the connecting
 * end reports, and the connecting end connecting with those the accepted
 * end reports (unix_cred.c). A listener is bound and listens again, once
 * every accepted socket showing its name is made, and each connection it
 * had queued connects again with its client's credentials, client end
 * handed over. Each end's queue is written from the other end; datagrams
 * queued on a socket with no kept peer are sent to its name again, each
 * from its sender's name (the sender's socket if it is made, else a
 * socket bound there for the send). Every socket made is then asked what
 * SO_PEERCRED and SO_PEERGROUPS report: another peer than before fails
 * it, so that none comes back naming a more privileged peer. Queued
 * messages are sent with the credentials they carried (SCM_CREDENTIALS,
 * a helper holding the pid meanwhile).
 *
 * Not carried, said here for want of a place to refuse it: a pidfd for
 * a peer (SO_PEERPIDFD, 6.5 and later) or for a queued message's sender
 * (SCM_PIDFD, with SO_PASSPIDFD). Both come from the struct pid the
 * kernel keeps in the socket or message, here a helper's that exited:
 * the New kernel answers EINVAL (no pidfd), as the Old one did for a
 * peer gone, even where the process of that pid is restored. Refusing
 * would refuse every connected socket (any process may ask); carrying
 * needs the restored process's struct pid put in the socket after it
 * exists, which only a kernel module could do. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fds/sockdiag.h"
#include "fds/unix_kind.h"
#include "lib/exit.h"

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

static socklen_t addr_at(const char *name, uint32_t len, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, name, len);
	return offsetof(struct sockaddr_un, sun_path) + len;
}

static socklen_t addr_of(const struct qr_unix_img *u, struct sockaddr_un *a)
{
	return addr_at(u->name, u->r.name_len, a);
}

static int set_int(int s, int opt, int v)
{
	return setsockopt(s, SOL_SOCKET, opt, &v, sizeof(v));
}

static const struct qr_unix_cred *peer_of(const struct end *e)
{
	return e->u.r.flags & QR_UNIX_PEERCRED ? &e->u.r.peer_cred : NULL;
}

static bool same_peer(const struct end *a, const struct end *b)
{
	const struct qr_unix_cred *x = peer_of(a), *y = peer_of(b);

	if (!x || !y)
		return x == y;
	return x->pid == y->pid && x->uid == y->uid && x->gid == y->gid &&
	       x->ngroups == y->ngroups &&
	       !memcmp(a->u.peer_groups, b->u.peer_groups, 4 * (size_t)x->ngroups);
}

/* Whether fd reports the peer's security label e recorded. */
static int verify_label(const struct end *e, int fd)
{
	char label[QR_UNIX_MAX_PEERSEC];
	int n = qr_unix_peersec(fd, label);

	if (n < 0)
		return fail(e, "SO_PEERSEC");
	if ((uint32_t)n == e->u.r.peersec_len && !memcmp(label, e->u.peersec, n))
		return 0;
	qr_error("restore: file %u (UNIX socket %u): its peer's security label would be '%.*s', not '%.*s' as before: not made",
		 e->f->f.id, e->u.r.ino, n, label, (int)e->u.r.peersec_len,
		 e->u.peersec);
	return -1;
}

/* Whether fd reports the peer credentials e recorded; a socket that
 * would name another peer is not made. */
static int verify_peer(const struct end *e, int fd)
{
	const struct qr_unix_cred *want = peer_of(e);
	struct qr_unix_cred got;
	char now[64], was[64];
	uint32_t *g;
	int rc = qr_unix_peer_cred(fd, &got, &g);
	bool same;

	if (rc < 0)
		return fail(e, "SO_PEERCRED");
	same = want ? !rc && got.pid == want->pid && got.uid == want->uid &&
		      got.gid == want->gid && got.ngroups == want->ngroups &&
		      !memcmp(g, e->u.peer_groups, 4 * (size_t)got.ngroups) :
		      rc == 1;
	free(g);
	if (same)
		return verify_label(e, fd);
	if (rc)
		snprintf(now, sizeof(now), "none");
	else
		snprintf(now, sizeof(now), "pid %d uid %u gid %u", got.pid,
			 got.uid, got.gid);
	if (want)
		snprintf(was, sizeof(was), "pid %d uid %u gid %u", want->pid,
			 want->uid, want->gid);
	qr_error("restore: file %u (UNIX socket %u): it would report its peer as %s, not %s with its groups as before: not made",
		 e->f->f.id, e->u.r.ino, now, want ? was : "none");
	return -1;
}

/* The options, once the queues are written (SO_SNDBUF/SO_RCVBUF read
 * twice what was set). */
static int options_set(const struct end *e)
{
	const struct qr_unix_rec *r = &e->u.r;
	const char *what;

	if (set_int(e->fd, SO_SNDBUFFORCE, r->sndbuf / 2) ||
	    set_int(e->fd, SO_RCVBUFFORCE, r->rcvbuf / 2))
		return fail(e, "SO_SNDBUF or SO_RCVBUF");
	if (qr_unix_opts_set(e->fd, &e->u, &what))
		return fail(e, what);
	if (set_int(e->fd, SO_PEEK_OFF, r->peek_off) ||
	    fcntl(e->fd, F_SETFL, e->f->f.open_flags & O_NONBLOCK))
		return fail(e, "SO_PEEK_OFF or O_NONBLOCK");
	return 0;
}

static int new_socket(const struct end *e)
{
	int fd = socket(AF_UNIX, e->u.r.type | SOCK_CLOEXEC, 0);

	if (fd >= 0 && set_int(fd, SO_SNDBUFFORCE, WRITE_BUF)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		fail(e, "socket");
	return fd;
}

static int make(struct end *e)
{
	e->fd = new_socket(e);
	return e->fd < 0 ? -1 : 0;
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

/* A name bound for a moment (an accept, a send): a path's old socket
 * file is replaced, and its mode and owner given to the new one; a path
 * that had no file has none after. */
struct tmp_name {
	struct sockaddr_un a;
	socklen_t len;
	bool path, existed;
	struct stat st;
};

static int tmp_bind(const struct end *e, int s, const char *name, uint32_t len,
		    struct tmp_name *tn)
{
	memset(tn, 0, sizeof(*tn));
	tn->len = addr_at(name, len, &tn->a);
	tn->path = len && name[0];
	if (tn->path && !lstat(tn->a.sun_path, &tn->st)) {
		if (!S_ISSOCK(tn->st.st_mode)) {
			errno = EEXIST;
			return fail(e, tn->a.sun_path);
		}
		tn->existed = true;
		if (unlink(tn->a.sun_path))
			return fail(e, tn->a.sun_path);
	}
	if (bind(s, (struct sockaddr *)&tn->a, tn->len)) {
		tn->path = false;
		return fail(e, "bind for a moment");
	}
	return 0;
}

static void tmp_unbind(const struct tmp_name *tn)
{
	if (!tn->path)
		return;
	if (!tn->existed) {
		unlink(tn->a.sun_path);
	} else if (lchown(tn->a.sun_path, tn->st.st_uid, tn->st.st_gid) ||
		   chmod(tn->a.sun_path, tn->st.st_mode & 07777)) {
		qr_error("restore: %s: mode and owner not given back: %s",
			 tn->a.sun_path, strerror(errno));
	}
}

/* The helper holding the pid the messages being written name: one at a
 * time, released when another pid comes and once a queue is written
 * (before any other socket is made: it may need that pid). */
static struct qr_unix_pid_hold held;

/* A process has the pid of m's credentials: pid 1 (init in every
 * kernel), restore itself, or a helper made with it. */
static int hold_pid(const struct end *to, const struct qr_unix_msg *m)
{
	pid_t pid = m->cred.pid;

	if (pid == 1 || pid == getpid() || held.pid == pid)
		return 0;
	qr_unix_pid_release(&held);
	if (!qr_unix_pid_hold(pid, &held))
		return 0;
	if (errno == EEXIST)
		qr_error("restore: file %u (UNIX socket %u): a queued message carries the credentials of pid %d, which is taken in this kernel: not made (it would name another process)",
			 to->f->f.id, to->u.r.ino, pid);
	return fail(to, "a pid for a queued message's credentials");
}

/* One piece of m from s, with m's credentials (SCM_CREDENTIALS, which
 * restore, root, may give) if it carries any. */
static ssize_t send_piece(int s, const struct qr_unix_msg *m, size_t done,
			  const struct sockaddr_un *addr, socklen_t alen)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} cb = { 0 };
	struct ucred u = { m->cred.pid, m->cred.uid, m->cred.gid };
	struct iovec iov = { (void *)(m->data + done), m->len - done };
	struct msghdr h = { .msg_name = (void *)addr, .msg_namelen = alen,
			    .msg_iov = &iov, .msg_iovlen = 1 };

	if (m->cred.pid) {
		h.msg_control = cb.b;
		h.msg_controllen = sizeof(cb.b);
		cb.h.cmsg_level = SOL_SOCKET;
		cb.h.cmsg_type = SCM_CREDENTIALS;
		cb.h.cmsg_len = CMSG_LEN(sizeof(u));
		memcpy(CMSG_DATA(&cb.h), &u, sizeof(u));
	}
	return sendmsg(s, &h, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Writes the queue of `to` from s (sent to `addr` if given), each
 * message whole, with its credentials. */
static int send_msg(const struct end *to, int s, const struct qr_unix_msg *m,
		    const struct sockaddr_un *addr, socklen_t alen)
{
	size_t done = 0;

	if (m->cred.pid && hold_pid(to, m))
		return -1;
	do {
		ssize_t n = send_piece(s, m, done, addr, alen);

		if (n < 0)
			return fail(to, "writing its queue back");
		done += n;
	} while (done < m->len && to->u.r.type == SOCK_STREAM);
	if (done < m->len) {
		errno = EMSGSIZE;
		return fail(to, "writing its queue back");
	}
	return 0;
}

static int write_queue(const struct end *to, int s)
{
	struct qr_unix_msg m;
	size_t off = 0;
	int rc = 0;

	while (!rc && qr_unix_next_msg(&to->u, &off, &m))
		rc = send_msg(to, s, &m, NULL, 0);
	qr_unix_pid_release(&held);
	return rc;
}

static int shut(const struct end *e)
{
	int how = e->u.r.shutdown == 3 ? SHUT_RDWR :
		  e->u.r.shutdown == QR_UNIX_SEND_SHUT ? SHUT_WR : SHUT_RD;

	if (e->u.r.shutdown && shutdown(e->fd, how))
		return fail(e, "shutdown");
	return 0;
}

/* The made socket of the image bound to this name, -1 if none. */
static int bound_at(struct qr_files *t, const struct qr_unix_msg *m)
{
	const struct qri_image *img = qr_files_image(t);

	for (size_t i = 0; i < img->nfiles; i++) {
		struct qr_unix_img u;
		const char *why;

		if (img->files[i].f.kind == QRI_FD_UNIX &&
		    !qr_unix_img_parse(img->files[i].data, img->files[i].f.data_len,
				       &u, &why) &&
		    u.r.flags & QR_UNIX_BIND && u.r.name_len == m->from_len &&
		    !memcmp(u.name, m->from, m->from_len))
			return qr_files_made(t, img->files[i].f.id);
	}
	return -1;
}

/* One datagram to e's name from its sender's: e itself, the sender's
 * socket made already, a socket bound there for the send, or an unnamed
 * one (*anon, made once). */
static int send_from(struct qr_files *t, struct end *e,
		     const struct qr_unix_msg *m, int *anon,
		     const struct sockaddr_un *a, socklen_t len)
{
	struct tmp_name tn;
	int s, rc;

	if (!m->from_len) {
		if (*anon < 0)
			*anon = new_socket(e);
		return *anon < 0 ? -1 : send_msg(e, *anon, m, a, len);
	}
	if (m->from_len == e->u.r.name_len && !memcmp(m->from, e->u.name, m->from_len))
		return send_msg(e, e->fd, m, a, len);
	s = bound_at(t, m);
	if (s >= 0)
		return send_msg(e, s, m, a, len);
	s = new_socket(e);
	if (s < 0)
		return -1;
	rc = tmp_bind(e, s, m->from, m->from_len, &tn) ? -1 :
	     send_msg(e, s, m, a, len);
	close(s);
	tmp_unbind(&tn);
	return rc;
}

/* Writes e's queue to e's name, before e connects anywhere (then anyone
 * may send to it). */
static int queue_by_name(struct qr_files *t, struct end *e)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&e->u, &a);
	struct qr_unix_msg m;
	size_t off = 0;
	int anon = -1, rc = 0;

	if (!e->u.r.nmsgs)
		return 0;
	if (!(e->u.r.flags & QR_UNIX_BIND)) {
		errno = EDESTADDRREQ;
		return fail(e, "data queued on an unbound socket");
	}
	while (!rc && qr_unix_next_msg(&e->u, &off, &m))
		rc = send_from(t, e, &m, &anon, &a, len);
	qr_unix_pid_release(&held);
	if (anon >= 0)
		close(anon);
	return rc;
}

/* A connection made by accept: s gets its listener's name (a listener
 * bound there for the moment, listening with the credentials c reports)
 * and the peer credentials it reports (c connects with them). c NULL: a
 * client closed once it wrote s's queue (its other end is gone). */
static int by_accept(struct end *s, struct end *c)
{
	const struct qr_unix_cred *lc = c ? peer_of(c) : NULL, *cc = peer_of(s);
	struct tmp_name tn;
	int l = new_socket(s), cfd = -1, rc = -1;

	if (l < 0)
		return -1;
	if (tmp_bind(s, l, s->u.name, s->u.r.name_len, &tn)) {
		close(l);
		return -1;
	}
	if (!cc || (c && !lc)) {
		errno = EINVAL;
		fail(s, "a connected socket without peer credentials");
		goto out;
	}
	if (lc ? qr_unix_listen_as(lc, c->u.peer_groups, l, 1) : listen(l, 1)) {
		fail(s, "listen at its listener's name");
		goto out;
	}
	if (c && (make(c) || bind_name(c)))
		goto out;
	cfd = c ? c->fd : new_socket(s);
	if (cfd < 0)
		goto out;
	if (qr_unix_connect_as(cc, s->u.peer_groups, cfd, &tn.a, tn.len)) {
		fail(s, "connect to its listener's name");
		goto out;
	}
	s->fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s->fd < 0 || set_int(s->fd, SO_SNDBUFFORCE, WRITE_BUF)) {
		fail(s, "accept");
		goto out;
	}
	rc = c ? 0 : write_queue(s, cfd);
out:
	if (!c && cfd >= 0)
		close(cfd);
	close(l);
	tmp_unbind(&tn);
	return rc;
}

static int connect_to(struct end *e, const struct end *p)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&p->u, &a);

	if (!(p->u.r.flags & QR_UNIX_BIND)) {
		errno = EDESTADDRREQ;
		return fail(e, "connected to an unbound socket");
	}
	return connect(e->fd, (struct sockaddr *)&a, len) ? fail(e, "connect") : 0;
}

/* Both ends of a connection at once, then e's queue written from p's end
 * and p's from e's, then the shutdowns; p handed over. */
static int pair(struct qr_files *t, struct end *e, struct end *p)
{
	int sv[2], rc;

	if (e->u.r.type != SOCK_DGRAM && (e->u.r.name_len || p->u.r.name_len)) {
		bool p_accepted = p->u.r.flags & QR_UNIX_ACCEPTED ||
				  (!(e->u.r.flags & QR_UNIX_ACCEPTED) &&
				   !e->u.r.name_len);

		if (p_accepted ? by_accept(p, e) : by_accept(e, p))
			return -1;
	} else if (peer_of(e) && same_peer(e, p)) {
		if (qr_unix_socketpair_as(peer_of(e), e->u.peer_groups,
					  e->u.r.type, sv))
			return fail(e, "socketpair");
		e->fd = sv[0];
		p->fd = sv[1];
		if (set_int(e->fd, SO_SNDBUFFORCE, WRITE_BUF) ||
		    set_int(p->fd, SO_SNDBUFFORCE, WRITE_BUF))
			return fail(e, "socketpair");
		if (bind_name(e) || bind_name(p))
			return -1;
	} else if (!peer_of(e) && !peer_of(p)) {
		/* Datagram sockets connected to each other's names. */
		if (make(e) || make(p) || bind_name(e) || bind_name(p) ||
		    connect_to(e, p) || connect_to(p, e))
			return -1;
	} else {
		errno = EINVAL;
		return fail(e, "its two ends report different peers, which no socketpair can");
	}
	if (write_queue(e, p->fd) || write_queue(p, e->fd) ||
	    shut(e) || shut(p) || verify_peer(p, p->fd) || options_set(p))
		return -1;
	rc = qr_files_put(t, p->f->f.id, p->fd);	/* which owns it now */
	p->fd = -1;
	return rc;
}

/* A connection whose other end is closed: made as a pair, the other end
 * closed once it wrote e's queue. */
static int orphan(struct end *e)
{
	int sv[2], rc;

	if (e->u.r.type != SOCK_DGRAM && e->u.r.name_len) {
		rc = by_accept(e, NULL);
	} else if (!peer_of(e)) {
		errno = EINVAL;
		rc = fail(e, "connected once, without peer credentials");
	} else if (qr_unix_socketpair_as(peer_of(e), e->u.peer_groups,
					 e->u.r.type, sv)) {
		rc = fail(e, "socketpair");
	} else {
		e->fd = sv[0];
		rc = set_int(sv[1], SO_SNDBUFFORCE, WRITE_BUF) ?
		     fail(e, "socketpair") : write_queue(e, sv[1]);
		close(sv[1]);
		if (!rc)
			rc = bind_name(e);
	}
	return rc ? rc : shut(e);
}

/* A datagram socket connected to p, which is not connected back. */
static int one_way(struct qr_files *t, struct end *e, struct end *p)
{
	if (make(e) || bind_name(e) || queue_by_name(t, e))
		return -1;
	if (!(p->u.r.flags & QR_UNIX_BIND)) {
		errno = EDESTADDRREQ;
		return fail(e, "connected to an unbound socket");
	}
	if (qr_files_get(t, p->f->f.id) < 0)
		return -1;
	return connect_to(e, p) || shut(e) ? -1 : 0;
}

/* Every connected socket showing e's name as its own (accepted from it):
 * made first, through e's name, before e takes it. */
static int accepted_first(struct qr_files *t, const struct qri_image *img,
			  const struct end *e)
{
	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *f = &img->files[i];
		struct qr_unix_img u;
		const char *why;

		if (f == e->f || f->f.kind != QRI_FD_UNIX ||
		    qr_unix_img_parse(f->data, f->f.data_len, &u, &why) ||
		    !(u.r.flags & QR_UNIX_ACCEPTED) ||
		    u.r.name_len != e->u.r.name_len ||
		    memcmp(u.name, e->u.name, u.r.name_len))
			continue;
		if (qr_files_get(t, f->f.id) < 0)
			return -1;
	}
	return 0;
}

/* A client of a connection queued on e: connected with the credentials
 * its accepted end will report, then handed over. */
static int queued_client(struct qr_files *t, const struct qri_image *img,
			 struct end *e, uint32_t ino)
{
	struct sockaddr_un a;
	socklen_t len = addr_of(&e->u, &a);
	struct end c;

	if (find(img, ino, e, "queued connection", &c) || make(&c))
		return -1;
	if (!(c.u.r.flags & QR_UNIX_CONNCRED)) {
		errno = EINVAL;
		fail(&c, "no credentials recorded for its connection");
	} else if (fcntl(c.fd, F_SETFL, O_NONBLOCK) || bind_name(&c) ||
		   qr_unix_connect_as(&c.u.r.conn_cred, c.u.conn_groups, c.fd, &a, len)) {
		fail(&c, "connect");
	} else if (!verify_peer(&c, c.fd) && !options_set(&c)) {
		return qr_files_put(t, c.f->f.id, c.fd);	/* closed it */
	}
	close(c.fd);
	return -1;
}

/* A listener, then each connection it had queued, in order. */
static int listener(struct qr_files *t, const struct qri_image *img,
		    struct end *e)
{
	if (accepted_first(t, img, e) || make(e) || bind_name(e))
		return -1;
	if (!peer_of(e)) {
		errno = EINVAL;
		return fail(e, "a listener without peer credentials");
	}
	if (qr_unix_listen_as(peer_of(e), e->u.peer_groups, e->fd,
			      e->u.r.backlog))
		return fail(e, "listen");
	for (uint32_t i = 0; i < e->u.r.nicons; i++)
		if (queued_client(t, img, e, qr_unix_icon(&e->u, i)))
			return -1;
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

int qr_unix_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_image *img = qr_files_image(t);
	struct end e, p;
	int rc;

	if (parse(f, &e))
		return -1;
	if (e.u.r.state == TCP_LISTEN) {
		rc = listener(t, img, &e);
	} else if (e.u.r.state == TCP_CLOSE) {
		rc = make(&e) || bind_name(&e) || queue_by_name(t, &e) ||
		     shut(&e) ? -1 : 0;
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
		rc = verify_peer(&e, e.fd) || options_set(&e) ? -1 : 0;
	if (rc && e.fd >= 0)
		close(e.fd);
	return rc ? -1 : e.fd;
}
