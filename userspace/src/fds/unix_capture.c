/* A UNIX socket's capture (unix_kind.h), from outside the process:
 * sock_diag (sockdiag.h) and a duplicate of its fd (pidfd_getfd), whose
 * queue is read with MSG_PEEK stepping SO_PEEK_OFF: nothing is consumed,
 * so a checkpoint that fails leaves every queue as it was. It records
 * what SO_PEERCRED and SO_PEERGROUPS report, and for a connection not
 * yet accepted the credentials its accepted end will report: its
 * client's holder's at the freeze (the server's end has no fd to read),
 * refused where the socket was made by another user.
 *
 * Refused here, by name: file descriptors in flight, a
 * path name that is no longer the socket's file (or relative, or under
 * another root), datagrams queued on an unnamed socket with no kept
 * peer, a datagram queue a peek reads short (pfncheck counts it),
 * peer credentials that restore cannot make again (a pid of
 * another PID namespace or init's; kept by a socket no longer connected),
 * an eBPF filter. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sock_diag.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "checkpoint/creds.h"
#include "fds/dupfd.h"
#include "fds/fdstate.h"
#include "fds/sockdiag.h"
#include "fds/unix_kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

/* The largest message a peek reads whole; larger ones are refused. */
#define MSG_MAX (4u << 20)

bool qr_unix_match(const char *link, const struct stat *st)
{
	struct qr_unix_diag d;

	if (strncmp(link, "socket:[", 8) || !S_ISSOCK(st->st_mode) ||
	    qr_unix_diag_one(st->st_ino, &d))
		return false;
	qr_unix_diag_free(&d);
	return true;
}

/* Why the control data peeked with a message cannot be carried, NULL if
 * it can: the credentials it carries into *cred (pid 0: none), file
 * descriptors peeked closed. */
static const char *control(struct msghdr *m, struct qr_unix_msg_cred *cred)
{
	const char *why = NULL;

	memset(cred, 0, sizeof(*cred));
	if (m->msg_flags & MSG_CTRUNC)
		why = "ancillary data in flight";
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int *fds = (int *)CMSG_DATA(c);
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++)
				close(fds[i]);
			why = "file descriptors in flight (SCM_RIGHTS)";
		} else if (c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SCM_CREDENTIALS &&
			   c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof(u));
			if (u.pid > 0)
				*cred = (struct qr_unix_msg_cred){ u.pid, u.uid, u.gid };
		} else if (!why) {
			why = "ancillary data in flight";
		}
	}
	return why;
}

/* Appends the queue of s (a duplicate of the target's fd) to q as
 * messages, read with MSG_PEEK from offset 0 on: a stream socket's
 * bytes in pieces, a datagram or seqpacket socket's messages whole, a
 * datagram's with its sender's name; each with the credentials a reader
 * with SO_PASSCRED would be shown (SO_PASSCRED on for the peeks: the
 * kernel then also ends a stream's piece where they change). The
 * socket's SO_PEEK_OFF and SO_PASSCRED are set back. */
static int peek_queue(struct qr_fd_capture *c, int s, struct qr_unix_rec *r,
		      const struct qr_unix_diag *d, struct qr_strbuf *q)
{
	static uint8_t buf[MSG_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(64 * sizeof(int))];
	} cbuf;
	int zero = 0, one = 1, rc = -1;
	uint64_t total = 0;
	const char *why = NULL;

	if (setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)) ||
	    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one))) {
		qr_error("process %d: fd %d: UNIX socket: SO_PEEK_OFF or SO_PASSCRED: %s",
			 c->pid, c->fd, strerror(errno));
		setsockopt(s, SOL_SOCKET, SO_PASSCRED, &r->passcred,
			   sizeof(r->passcred));
		return -1;
	}
	r->flags |= QR_UNIX_MSGCRED;
	for (;;) {
		struct sockaddr_un from;
		struct qr_unix_msg_cred cred;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_control = cbuf.b,
				    .msg_controllen = sizeof(cbuf.b) };
		ssize_t n;
		uint32_t len;
		uint8_t flen = 0;

		/* A stream or seqpacket socket shut for reading says 0 at
		 * the end rather than EAGAIN: its byte count says when. */
		if (r->type != SOCK_DGRAM && r->shutdown & QR_UNIX_RCV_SHUT &&
		    total >= d->rqueue)
			break;
		n = recvmsg(s, &m, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			why = strerror(errno);
			break;
		}
		why = control(&m, &cred);
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
		if (r->type == SOCK_DGRAM &&
		    m.msg_namelen > offsetof(struct sockaddr_un, sun_path))
			flen = m.msg_namelen - offsetof(struct sockaddr_un, sun_path);
		len = n;
		qr_strbuf_add(q, (const char *)&len, 4);
		qr_strbuf_add(q, (const char *)&flen, 1);
		qr_strbuf_add(q, from.sun_path, flen);
		qr_strbuf_add(q, (const char *)&cred, sizeof(cred));
		qr_strbuf_add(q, (const char *)buf, len);
		if (qr_strbuf_failed(q) || q->len > QRI_MAX_FILE_DATA / 2) {
			why = "too much data queued";
			break;
		}
		r->nmsgs++;
		total += len;
	}
	if (setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &r->peek_off,
		       sizeof(r->peek_off)) ||
	    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &r->passcred,
		       sizeof(r->passcred)))
		qr_error("process %d: fd %d: UNIX socket: SO_PEEK_OFF or SO_PASSCRED set back: %s",
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

/* Whether a connected stream or seqpacket socket's name is its
 * listener's, given it by accept (a listener of that name is there, or
 * its peer has no name: then it cannot be the client's own). */
static bool accepted(const struct qr_unix_diag *d)
{
	struct qr_unix_diag *all, p;
	bool yes = false;
	size_t n;

	if (!d->name_len || d->state != TCP_ESTABLISHED || d->type == SOCK_DGRAM)
		return false;
	if (d->peer && !qr_unix_diag_one(d->peer, &p)) {
		yes = !p.name_len;
		qr_unix_diag_free(&p);
	}
	if (yes || qr_unix_diag_all(&all, &n))
		return yes;
	for (size_t i = 0; i < n && !yes; i++)
		yes = all[i].state == TCP_LISTEN && all[i].name_len == d->name_len &&
		      !memcmp(all[i].name, d->name, d->name_len);
	qr_unix_diag_free_all(all, n);
	return yes;
}

/* The effective uid and gid of a "Uid:"/"Gid:" line: its second field. */
static int effective(const char *text, const char *key, uint32_t *v)
{
	const char *p = strstr(text, key);
	unsigned long x;
	char *end;

	if (!p)
		return -1;
	p += strlen(key);
	x = strtoul(p, &end, 10);		/* real */
	if (end == p)
		return -1;
	p = end;
	x = strtoul(p, &end, 10);
	if (end == p || x > UINT32_MAX)
		return -1;
	*v = x;
	return 0;
}

/* A connection not yet accepted: what its accepted end will report, the
 * credentials of the process holding the client end (the one that
 * connected, unless the socket changed hands: refused if it was made by
 * another user than that process is). */
static int conn_cred(struct qr_fd_capture *c, struct qr_unix_rec *r,
		     struct qr_strbuf *groups)
{
	struct qr_creds cr;
	struct qr_err e;
	char path[64], *text;
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", c->pid);
	text = qr_read_file(path, 1 << 20);
	if (text && !effective(text, "\nUid:", &r->conn_cred.uid) &&
	    !effective(text, "\nGid:", &r->conn_cred.gid) &&
	    !qr_status_creds(text, &cr, &e)) {
		rc = 0;
		r->conn_cred.pid = c->pid;
		r->conn_cred.ngroups = cr.ngroups;
		if (cr.ngroups)
			qr_strbuf_add(groups, (const char *)cr.groups,
				      cr.ngroups * 4);
		qr_creds_free(&cr);
	}
	free(text);
	if (rc) {
		qr_error("process %d: fd %d: UNIX socket: cannot read the process's credentials: not carried",
			 c->pid, c->fd);
		return -1;
	}
	if (c->st->st_uid != r->conn_cred.uid) {
		qr_error("process %d: fd %d: UNIX socket waiting to be accepted, made by uid %u and held by a process of uid %u: the credentials it connected with are unknown: not carried",
			 c->pid, c->fd, (unsigned)c->st->st_uid, r->conn_cred.uid);
		return -1;
	}
	r->flags |= QR_UNIX_CONNCRED;
	return 0;
}

/* What SO_PEERCRED and SO_PEERGROUPS report, if restore can make it so. */
static int peer_cred(struct qr_fd_capture *c, int s, struct qr_unix_rec *r,
		     const struct qr_unix_diag *d, struct qr_strbuf *groups)
{
	uint32_t *g;
	int rc = qr_unix_peer_cred(s, &r->peer_cred, &g);
	const char *why = NULL;

	if (rc < 0) {
		qr_error("process %d: fd %d: UNIX socket: SO_PEERCRED: %s",
			 c->pid, c->fd, strerror(errno));
		return -1;
	}
	if (rc)
		return 0;
	if (r->peer_cred.ngroups)
		qr_strbuf_add(groups, (const char *)g, r->peer_cred.ngroups * 4);
	free(g);
	r->flags |= QR_UNIX_PEERCRED;
	if (r->peer_cred.pid <= 0)
		why = "name a process of another PID namespace";
	else if (r->peer_cred.pid == 1)
		why = "name pid 1, which no restored socket can";
	else if (d->state == TCP_CLOSE || (d->type == SOCK_DGRAM && !in_pair(d)))
		why = "are kept from a connection it no longer has";
	if (!why)
		return 0;
	qr_error("process %d: fd %d: UNIX socket: its peer credentials (pid %d uid %u gid %u) %s: not carried",
		 c->pid, c->fd, r->peer_cred.pid, r->peer_cred.uid, r->peer_cred.gid, why);
	return -1;
}

/* The memory this kernel charges its sender for each message of q (n of
 * them) while queued, added up: each sent alone through a scratch pair
 * of the type, the sender's SO_MEMINFO read, then received. -1 with
 * errno if the scratch pair fails. */
static int64_t replay_wmem(uint8_t type, const struct qr_strbuf *q, uint32_t n)
{
	static uint8_t sink[1];
	int64_t sum = 0;
	size_t off = 0;
	int sv[2], big = QRI_MAX_FILE_DATA;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv))
		return -1;
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		goto fail;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len, mem[SK_MEMINFO_VARS];
		socklen_t mlen = sizeof(mem);
		uint8_t flen;

		memcpy(&len, q->s + off, 4);
		flen = q->s[off + 4];
		off += 5 + flen + sizeof(struct qr_unix_msg_cred);
		if (send(sv[0], q->s + off, len, MSG_DONTWAIT) != (ssize_t)len ||
		    getsockopt(sv[0], SOL_SOCKET, SO_MEMINFO, mem, &mlen) ||
		    recv(sv[1], sink, sizeof(sink), MSG_DONTWAIT | MSG_TRUNC) < 0)
			goto fail;
		sum += mem[SK_MEMINFO_WMEM_ALLOC];
		off += len;
	}
	close(sv[0]);
	close(sv[1]);
	return sum;
fail:
	close(sv[0]);
	close(sv[1]);
	return -1;
}

/* What the peer has sent and is still queued, 0 if no peer. */
static uint32_t peer_wmem(const struct qr_unix_diag *d)
{
	struct qr_unix_diag p;
	uint32_t w;

	if (!d->peer || qr_unix_diag_one(d->peer, &p))
		return 0;
	w = p.wmem;
	qr_unix_diag_free(&p);
	return w;
}

/* A peek at an offset steps over an empty message that something peeked
 * before (6.1 and later do): its queue would come back without it. The
 * peer charged with every message of a pair's queue says how much is
 * queued; what was read must account for all of it. Not known for a
 * queue without a peer. A running process (`check`) may send meanwhile:
 * no verdict then. */
static int all_read(struct qr_fd_capture *c, const struct qr_unix_rec *r,
		    const struct qr_unix_diag *d, const struct qr_strbuf *q,
		    uint32_t wmem_before)
{
	struct qr_unix_diag p;
	int64_t read;
	int rc = 0;

	if (r->type == SOCK_STREAM || !d->peer || !in_pair(d) ||
	    qr_unix_diag_one(d->peer, &p))
		return 0;
	read = replay_wmem(r->type, q, r->nmsgs);
	if (read < 0) {
		qr_error("process %d: fd %d: UNIX socket: cannot measure its queue: %s",
			 c->pid, c->fd, strerror(errno));
		rc = -1;
	} else if (p.wmem != read && !(c->check_only && p.wmem != wmem_before)) {
		qr_error("process %d: fd %d: UNIX socket: more is queued than a peek reads (%u bytes of memory, %lld read: an empty message behind another, peeked over?): not carried",
			 c->pid, c->fd, p.wmem, (long long)read);
		rc = -1;
	}
	qr_unix_diag_free(&p);
	return rc;
}

/* The messages queued on s, by pfncheck: -1 having printed why not. */
static int64_t counted(struct qr_fd_capture *c, int s)
{
	uint64_t n;

	if (!qr_fdstate(s, PFNCHECK_FD_RQUEUE_COUNT, &n))
		return (int64_t)n;
	qr_error("process %d: fd %d: UNIX socket: its datagrams cannot be counted (pfncheck): %s: not carried",
		 c->pid, c->fd, strerror(errno));
	return -1;
}

/* The same for a datagram socket fed by senders of its own (not one of
 * a pair): no sender is charged for all of its queue, so pfncheck counts
 * its messages, before the peeks (before) and after; what was read must
 * be all of them. A running process (`check`) may read or be sent to
 * meanwhile: no verdict if the count moved. */
static int all_counted(struct qr_fd_capture *c, int s,
		       const struct qr_unix_rec *r, int64_t before)
{
	int64_t after = counted(c, s);

	if (after < 0)
		return -1;
	if (after == r->nmsgs || (c->check_only && after != before))
		return 0;
	qr_error("process %d: fd %d: UNIX socket: %lld datagrams queued, a peek reads %u (an empty one behind another, peeked over?): not carried",
		 c->pid, c->fd, (long long)after, r->nmsgs);
	return -1;
}

/* The label a socketpair made here reports (what restore's helpers
 * give): its length, once per run; -1 with errno. */
static int own_label(char *mine)
{
	static char label[QR_UNIX_MAX_PEERSEC];
	static int len = -1;
	int sv[2];

	if (len < 0 && !socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		len = qr_unix_peersec(sv[0], label);
		close(sv[0]);
		close(sv[1]);
	}
	if (len > 0)
		memcpy(mine, label, len);
	return len;
}

/* The peer's security label (a security module's): restore's helpers
 * give the one a socketpair made here gets, so another is refused. */
static int peer_label(struct qr_fd_capture *c, int s, struct qr_unix_rec *r,
		      char *label)
{
	char mine[QR_UNIX_MAX_PEERSEC];
	int n = qr_unix_peersec(s, label), m = n > 0 ? own_label(mine) : 0;

	if (n < 0 || m < 0) {
		qr_error("process %d: fd %d: UNIX socket: SO_PEERSEC: %s",
			 c->pid, c->fd, strerror(errno));
		return -1;
	}
	r->peersec_len = n;
	if (!n || (n == m && !memcmp(label, mine, n)))
		return 0;
	qr_error("process %d: fd %d: UNIX socket: its peer's security label %.*s is not restore's (%.*s): not carried",
		 c->pid, c->fd, n, label, m, mine);
	return -1;
}

static void add(struct qr_fd_capture *c, const void *p, size_t len)
{
	if (len)
		qr_strbuf_add(c->data, p, len);
}

static bool known(const struct qr_unix_diag *d)
{
	return (d->type == SOCK_STREAM || d->type == SOCK_DGRAM ||
		d->type == SOCK_SEQPACKET) &&
	       (d->state == TCP_ESTABLISHED || d->state == TCP_LISTEN ||
		d->state == TCP_CLOSE);
}

int qr_unix_capture(struct qr_fd_capture *c)
{
	struct qr_unix_rec r = { 0 };
	struct qr_strbuf q = { 0 }, pg = { 0 }, cg = { 0 }, filter = { 0 };
	struct qr_unix_diag d;
	char label[QR_UNIX_MAX_PEERSEC];
	const char *why;
	int s = -1, rc = -1;
	int64_t before = 0;
	bool fed;
	uint32_t pw;

	if (qr_unix_diag_one(c->st->st_ino, &d)) {
		qr_error("process %d: fd %d: UNIX socket %lu not found by sock_diag (another network namespace?): not carried",
			 c->pid, c->fd, (unsigned long)c->st->st_ino);
		return -1;
	}
	if (!known(&d)) {
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
	/* A name of its own is bound again; its listener's comes with
	 * accept. */
	if (accepted(&d))
		r.flags |= QR_UNIX_ACCEPTED;
	else if (d.name_len)
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
	if (s < 0) {
		qr_error("process %d: fd %d: UNIX socket: cannot reach it: %s",
			 c->pid, c->fd, strerror(errno));
		goto out;
	}
	if (qr_unix_opts_read(s, &r, &filter, &why)) {
		qr_error("process %d: fd %d: UNIX socket: %s: %s",
			 c->pid, c->fd, why, errno == EACCES ?
			 "not carried" : strerror(errno));
		goto out;
	}
	if (peer_cred(c, s, &r, &d, &pg) || peer_label(c, s, &r, label) ||
	    (r.flags & QR_UNIX_PENDING && conn_cred(c, &r, &cg)))
		goto out;
	if (d.type == SOCK_DGRAM && d.state == TCP_ESTABLISHED && !d.peer &&
	    !(r.flags & QR_UNIX_PEERCRED)) {
		qr_error("process %d: fd %d: UNIX socket: a datagram socket connected to a socket gone: not carried",
			 c->pid, c->fd);
		goto out;
	}
	pw = peer_wmem(&d);
	fed = d.type == SOCK_DGRAM && !in_pair(&d);
	if (fed && (before = counted(c, s)) < 0)
		goto out;
	/* Only a connected socket or a datagram one has a queue to read. */
	if ((d.type == SOCK_DGRAM || (d.state == TCP_ESTABLISHED &&
				      !(r.flags & QR_UNIX_PENDING))) &&
	    (peek_queue(c, s, &r, &d, &q) || all_read(c, &r, &d, &q, pw) ||
	     (fed && all_counted(c, s, &r, before))))
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
	add(c, pg.s, pg.len);
	add(c, cg.s, cg.len);
	add(c, filter.s, filter.len);
	add(c, label, r.peersec_len);
	add(c, q.s, q.len);
	if (c->data->oom || qr_strbuf_failed(&pg) || qr_strbuf_failed(&cg) ||
	    qr_strbuf_failed(&filter)) {
		qr_error("process %d: fd %d: UNIX socket: too much to record",
			 c->pid, c->fd);
		goto out;
	}
	rc = 0;
out:
	qr_strbuf_free(&q);
	qr_strbuf_free(&pg);
	qr_strbuf_free(&cg);
	qr_strbuf_free(&filter);
	if (s >= 0)
		close(s);
	qr_unix_diag_free(&d);
	return rc;
}
