/* TCP sockets, IPv4 and IPv6: listeners (address or wildcard, backlog,
 * IPV6_V6ONLY, reuse), sockets not connected (bound or not), and
 * established connections, with their options (inet.h) and O_NONBLOCK.
 *
 * A connection is read through TCP_REPAIR (CAP_NET_ADMIN) on a duplicate
 * of the fd (pidfd_getfd): both sequence numbers, both queues peeked
 * (the send queue from the oldest unacknowledged byte, the receive queue
 * not read yet), MSS, window scales, SACK and timestamps as TCP_INFO
 * says, the window (TCP_REPAIR_WINDOW) and the timestamp clock; repair
 * mode is left at once without a window probe (TCP_REPAIR_OFF_NO_WP), so
 * a checkpoint that fails leaves the connection as it was, nothing sent.
 * Restore makes it again in repair mode: bound to its local address,
 * sequence numbers set, connected (no SYN in repair mode), with neither
 * the address nor a route needed (inet_live.c: restore runs before the
 * network is configured), options, both queues written back, window,
 * timestamp; then
 * repair off (a window probe tells the peer it is there). A connection
 * whose other end is kept too (loopback) is made with it, both in repair
 * mode until both exist: a probe to an end not yet made would be
 * answered with a reset. A connection's listener, if kept, is made first
 * (its bind would clash with the connection's port otherwise).
 *
 * A connection this system cannot route (connect fails) is dropped for
 * its process only, named: its fd reads ECONNABORTED.
 *
 * Refused by name: a connection in any state but ESTABLISHED (SYN_SENT,
 * SYN_RECV, FIN_WAIT*, CLOSE_WAIT, LAST_ACK, CLOSING), a listener with
 * connections completed but not accepted, a local connection whose
 * other end is held outside the kept set, queues above 16 MiB, urgent
 * data queued, a receive side shut down (SHUT_RD), TCP_MD5SIG keys, a
 * socket filter (netlock.c). Lost: connections half-open on a listener
 * (SYN_RECV: the client's ACK finds no request in the New kernel).
 * Whether SO_SNDBUF/SO_RCVBUF were set (their autotuning stopped) is read
 * and made again through pfncheck (SOCKLOCKS), which shows the kernel's
 * locks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/inet.h"
#include "fds/kind.h"
#include "fds/netlock.h"
#include "fds/sockdiag.h"
#include "fds/tcp_diag.h"
#include "fds/inet_live.h"
#include "lib/exit.h"

#ifndef TCP_REPAIR_OFF_NO_WP
#define TCP_REPAIR_OFF_NO_WP -1
#endif

static const char *const state_names[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV", [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK", [TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

static const char *state_name(unsigned int s)
{
	return s < sizeof(state_names) / sizeof(state_names[0]) && state_names[s] ?
	       state_names[s] : "unknown";
}

/* ---- capture ---- */

/* Asked to the socket, not looked up in /proc/net/tcp, which would be
 * read whole for each socket fd. */
static bool tcp_match_fd(pid_t pid, int fd, const struct stat *st)
{
	return S_ISSOCK(st->st_mode) && qr_inet_is(pid, fd, IPPROTO_TCP);
}

static int get_int(int s, int level, int opt, int *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(s, level, opt, v, &len);
}

static int set_int(int s, int level, int opt, int v)
{
	return setsockopt(s, level, opt, &v, sizeof(v));
}

static int addresses(int s, struct qr_inet_rec *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len) ||
	    qr_inet_from_sockaddr(&ss, &r->local))
		return -1;
	if (r->local.port)
		r->flags |= QR_INET_BOUND;
	len = sizeof(ss);
	if (!getpeername(s, (struct sockaddr *)&ss, &len)) {
		if (qr_inet_from_sockaddr(&ss, &r->peer))
			return -1;
		r->flags |= QR_INET_PEER;
	} else if (errno != ENOTCONN) {
		return -1;
	}
	return 0;
}

/* Exactly len bytes peeked from the queue repair mode selects. */
static int peek(int s, uint8_t *buf, uint32_t len)
{
	ssize_t n;

	if (!len)
		return 0;
	n = recv(s, buf, len, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0)
		return -1;
	if ((uint32_t)n != len) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

static int queue_seq(int s, int q, uint32_t *seq)
{
	return set_int(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, q) ||
	       get_int(s, IPPROTO_TCP, TCP_QUEUE_SEQ, (int *)seq) ? -1 : 0;
}

/* The connection's state under repair mode, on s (repair on). */
static int read_conn(int s, struct qr_tcp_conn *c, uint8_t **outq,
		     uint8_t **inq, const char **what)
{
	struct tcp_repair_window w;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	uint32_t seq;
	int v;

	*what = "TCP_INFO";
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -1;
	c->opts = ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
				     TCPI_OPT_WSCALE);
	c->snd_wscale = ti.tcpi_snd_wscale;
	c->rcv_wscale = ti.tcpi_rcv_wscale;
	*what = "TCP_MAXSEG";
	if (get_int(s, IPPROTO_TCP, TCP_MAXSEG, &v))
		return -1;
	c->mss = v;
	*what = "the send queue";
	if (queue_seq(s, TCP_SEND_QUEUE, &c->snd_seq) ||
	    ioctl(s, SIOCOUTQ, &v))
		return -1;
	c->outq_len = v;
	if (ioctl(s, SIOCOUTQNSD, &v))
		return -1;
	c->unsent_len = v;
	*what = "queues above 16 MiB";
	if (c->outq_len > QR_TCP_MAX_QUEUE)
		return -1;
	*what = "the send queue";
	*outq = malloc(c->outq_len + 1);
	if (!*outq || peek(s, *outq, c->outq_len))
		return -1;
	*what = "the receive queue";
	if (queue_seq(s, TCP_RECV_QUEUE, &c->rcv_seq) || ioctl(s, SIOCINQ, &v))
		return -1;
	c->inq_len = v;
	*what = "queues above 16 MiB";
	if (c->inq_len > QR_TCP_MAX_QUEUE)
		return -1;
	*what = "the receive queue";
	*inq = malloc(c->inq_len + 1);
	if (!*inq || peek(s, *inq, c->inq_len))
		return -1;
	/* The lock holds: nothing came in meanwhile. */
	*what = "the receive queue moved while it was read";
	if (queue_seq(s, TCP_RECV_QUEUE, &seq) || ioctl(s, SIOCINQ, &v))
		return -1;
	if (seq != c->rcv_seq || (uint32_t)v != c->inq_len) {
		errno = EAGAIN;
		return -1;
	}
	*what = "TCP_REPAIR_WINDOW";
	len = sizeof(w);
	if (getsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &len))
		return -1;
	c->snd_wl1 = w.snd_wl1;
	c->snd_wnd = w.snd_wnd;
	c->max_window = w.max_window;
	c->rcv_wnd = w.rcv_wnd;
	c->rcv_wup = w.rcv_wup;
	*what = "TCP_TIMESTAMP";
	if (get_int(s, IPPROTO_TCP, TCP_TIMESTAMP, &v))
		return -1;
	c->timestamp = v;
	return set_int(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
}

/* An established connection's record and queues appended. */
static int capture_conn(struct qr_fd_capture *c, int s, const char *name)
{
	struct qr_tcp_conn conn = { 0 };
	uint8_t *outq = NULL, *inq = NULL;
	const char *what = "TCP_REPAIR";
	int rc = -1, e;

	if (!set_int(s, IPPROTO_TCP, TCP_REPAIR, 1)) {
		rc = read_conn(s, &conn, &outq, &inq, &what);
		e = errno;
		/* Off at once, nothing sent: the checkpoint may yet fail. */
		if (set_int(s, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP)) {
			e = errno;
			what = "TCP_REPAIR off";
			rc = -1;
		}
		errno = e;
	}
	if (rc) {
		qr_error("process %d: fd %d: TCP connection %s: %s: %s: not carried",
			 c->pid, c->fd, name, what, strerror(errno));
	} else {
		qr_strbuf_add(c->data, &conn, sizeof(conn));
		qr_strbuf_add(c->data, outq, conn.outq_len);
		qr_strbuf_add(c->data, inq, conn.inq_len);
	}
	free(outq);
	free(inq);
	return rc;
}

/* What an established connection holds that repair mode cannot give
 * back: NULL if nothing. */
static const char *tcp_uncarried(int s)
{
	struct pollfd p = { .fd = s, .events = POLLRDHUP };
	char b;

	/* The urgent byte, out of band: peeked, it stays. */
	if (recv(s, &b, 1, MSG_OOB | MSG_PEEK | MSG_DONTWAIT) == 1)
		return "urgent data (MSG_OOB) queued to read";
	/* ESTABLISHED with its receive side shut: shutdown(SHUT_RD) (a
	 * peer's FIN would have made it CLOSE_WAIT). */
	if (poll(&p, 1, 0) == 1 && p.revents & POLLRDHUP)
		return "its receive side is shut down (SHUT_RD)";
	return NULL;
}

static int tcp_capture(struct qr_fd_capture *c)
{
	struct qr_inet_rec r = { 0 };
	char a[64], b[64], name[140];
	const char *why;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int s, dom, md5, rc = -1;

	s = qr_fd_dup(c->pid, c->fd);
	if (s < 0 || get_int(s, SOL_SOCKET, SO_DOMAIN, &dom) ||
	    getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) || addresses(s, &r) ||
	    qr_inet_opts_get(s, dom, true, &r.o)) {
		qr_error("process %d: fd %d: TCP socket: cannot read it: %s",
			 c->pid, c->fd, strerror(errno));
		goto out;
	}
	/* Locked before anything is read: what comes after is dropped. */
	if ((ti.tcpi_state == TCP_LISTEN || ti.tcpi_state == TCP_ESTABLISHED) &&
	    qr_netlock(s, c->check_only, &why)) {
		qr_error("process %d: fd %d: TCP socket: %s: not carried",
			 c->pid, c->fd, why);
		goto out;
	}
	len = sizeof(ti);
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len)) {
		qr_error("process %d: fd %d: TCP socket: cannot read it: %s",
			 c->pid, c->fd, strerror(errno));
		goto out;
	}
	r.family = dom;
	r.state = ti.tcpi_state;
	r.ino = c->st->st_ino;
	md5 = qr_tcp_md5(dom, r.ino, c->check_only);
	if (md5) {
		qr_error("process %d: fd %d: TCP socket: %s: not carried", c->pid,
			 c->fd, md5 < 0 ? "whether it has TCP_MD5SIG keys cannot be told (sock_diag)" :
			 "a TCP_MD5SIG key, which cannot be read back");
		goto out;
	}
	c->f->object = r.ino;
	qr_inet_str(dom, &r.local, a);
	why = qr_inet_more_refused(s, dom, true, name, sizeof(name));
	if (why) {
		qr_error("process %d: fd %d: TCP socket %s: %s: not carried",
			 c->pid, c->fd, a, why);
		goto out;
	}
	if (r.flags & QR_INET_PEER)
		snprintf(name, sizeof(name), "%s -> %s", a,
			 qr_inet_str(dom, &r.peer, b));
	else
		snprintf(name, sizeof(name), "%s", a);
	switch (r.state) {
	case TCP_LISTEN:
		/* TCP_INFO of a listener: its accept queue and backlog. */
		r.backlog = ti.tcpi_sacked;
		if (ti.tcpi_unacked) {
			qr_error("process %d: fd %d: TCP listener on %s has %u connection(s) completed but not yet accepted: not carried",
				 c->pid, c->fd, name, ti.tcpi_unacked);
			goto out;
		}
		r.flags &= ~QR_INET_PEER;
		break;
	case TCP_CLOSE:
		r.flags &= ~QR_INET_PEER;
		break;
	case TCP_ESTABLISHED:
		if (!(r.flags & QR_INET_PEER)) {
			qr_error("process %d: fd %d: TCP connection %s has no peer address: not carried",
				 c->pid, c->fd, name);
			goto out;
		}
		why = tcp_uncarried(s);
		if (why) {
			qr_error("process %d: fd %d: TCP connection %s: %s: not carried",
				 c->pid, c->fd, name, why);
			goto out;
		}
		break;
	default:
		qr_error("process %d: fd %d: TCP connection %s in state %s: not carried",
			 c->pid, c->fd, name, state_name(r.state));
		goto out;
	}
	qr_strbuf_add(c->data, &r, sizeof(r));
	if (r.state == TCP_ESTABLISHED && !c->check_only &&
	    capture_conn(c, s, name))
		goto out;
	rc = 0;
out:
	if (s >= 0)
		close(s);
	return rc;
}

/* ---- the kept set ---- */

static bool kept(const struct qr_fd_set *s, uint64_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == QRI_FD_TCP && s->v[i].object == ino)
			return true;
	return false;
}

/* The other end of connection r if this system holds it. */
static const struct qr_inet_row *other_end(const struct qr_inet_row *v,
					   size_t n, const struct qr_inet_row *r)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].state == TCP_ESTABLISHED && &v[i] != r &&
		    qr_inet_same(&v[i].local, &r->peer) &&
		    qr_inet_same(&v[i].peer, &r->local))
			return &v[i];
	return NULL;
}

/* A local connection whose other end stays behind (or waits to be
 * accepted: no process holds it) would be reset once restored: its peer
 * is gone in the New kernel. */
static int tcp_check_set(const struct qr_fd_set *s)
{
	struct qr_inet_row *v;
	int refused = 0;
	size_t n;

	if (qr_inet_rows("tcp", &v, &n)) {
		qr_error("TCP sockets: cannot list them: out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct qr_inet_row *r, *o;
		char a[64], b[64];
		int pid, fd;

		if (s->v[i].kind != QRI_FD_TCP)
			continue;
		r = qr_inet_row_find(v, n, s->v[i].object);
		if (!r || r->state != TCP_ESTABLISHED)
			continue;
		o = other_end(v, n, r);
		if (!o || kept(s, o->ino))
			continue;
		qr_inet_str(r->family, &r->local, a);
		qr_inet_str(r->family, &r->peer, b);
		if (!o->ino)
			qr_error("process %d: fd %d: TCP connection %s -> %s: its other end waits in a listener's queue, not accepted: not carried",
				 s->v[i].pid, s->v[i].fd, a, b);
		else if (qr_unix_holder(o->ino, &pid, &fd))
			qr_error("process %d: fd %d: TCP connection %s -> %s: its other end (socket %llu) is held by no process: not carried",
				 s->v[i].pid, s->v[i].fd, a, b,
				 (unsigned long long)o->ino);
		else
			qr_error("process %d: fd %d: TCP connection %s -> %s: its other end is held by process %d (fd %d), outside the kept set: not carried",
				 s->v[i].pid, s->v[i].fd, a, b, pid, fd);
		refused++;
	}
	free(v);
	return refused;
}

/* ---- restore ---- */

struct end {
	const struct qri_file_img *f;
	struct qr_inet_img i;
	int fd;
	bool unreachable;	/* its connect found no route to its peer */
	bool forced;		/* its buffer sizes forced for its queues */
	bool paired;		/* its other end is in the image: local */
};

static int fail(const struct end *e, const char *what)
{
	char a[64];

	qr_error("restore: file %u (TCP socket %s): %s: %s", e->f->f.id,
		 qr_inet_str(e->i.r.family, &e->i.r.local, a), what,
		 strerror(errno));
	return -1;
}

static int parse(const struct qri_file_img *f, struct end *e)
{
	struct qr_err err;

	e->f = f;
	e->fd = -1;
	e->unreachable = e->forced = e->paired = false;
	if (qr_inet_img_parse(f->data, f->f.data_len, true, &e->i, &err)) {
		qr_error("restore: file %u: TCP socket: bad image data: %s",
			 f->f.id, err.msg);
		return -1;
	}
	return 0;
}

static int make(struct end *e, bool repair)
{
	const struct qr_inet_rec *r = &e->i.r;
	struct sockaddr_storage ss;
	socklen_t len;

	if (qr_inet_loopback() < 0)
		return fail(e, "the loopback");
	e->fd = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (e->fd < 0)
		return fail(e, "socket");
	/* Its address may not be on this system yet (inet_live.c). */
	if (qr_inet_opts_set_early(e->fd, r->family, &r->o) ||
	    qr_inet_unplaced(e->fd, r->family))
		return fail(e, "options");
	/* After SO_REUSEADDR, which would undo the reuse it forces. */
	if (repair && set_int(e->fd, IPPROTO_TCP, TCP_REPAIR, 1))
		return fail(e, "TCP_REPAIR");
	len = qr_inet_sockaddr(r->family, &r->local, &ss);
	if (r->flags & QR_INET_BOUND && bind(e->fd, (struct sockaddr *)&ss, len))
		return fail(e, "bind");
	return 0;
}

static int options(const struct end *e)
{
	char what[64];

	if (qr_inet_opts_set(e->fd, e->i.r.family, true, e->forced, &e->i.r.o,
			     what))
		return fail(e, what);
	if (qr_inet_placed(e->fd, e->i.r.family, &e->i.r.o) ||
	    fcntl(e->fd, F_SETFL, e->f->f.open_flags & O_NONBLOCK))
		return fail(e, "options");
	return 0;
}

/* Writes len bytes into the queue q of s in repair mode. */
static int refill(int s, int q, const uint8_t *p, uint32_t len)
{
	if (set_int(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, q))
		return -1;
	while (len) {
		ssize_t n = send(s, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* e made again in repair mode, left in it. */
static int connection(struct end *e)
{
	const struct qr_tcp_conn *c = &e->i.c;
	struct tcp_repair_opt o[4];
	struct tcp_repair_window w = {
		.snd_wl1 = c->snd_wl1, .snd_wnd = c->snd_wnd,
		.max_window = c->max_window, .rcv_wnd = c->rcv_wnd,
		.rcv_wup = c->rcv_wup,
	};
	struct sockaddr_storage ss;
	const char *what;
	socklen_t len;
	int no = 0;
	/* Room for the queues written back, whatever the buffers were. */
	int room = 2 * (c->outq_len > c->inq_len ? c->outq_len : c->inq_len) +
		   (1 << 20);

	if (make(e, true))
		return -1;
	if (set_int(e->fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE) ||
	    set_int(e->fd, IPPROTO_TCP, TCP_QUEUE_SEQ, c->snd_seq - c->outq_len) ||
	    set_int(e->fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE) ||
	    set_int(e->fd, IPPROTO_TCP, TCP_QUEUE_SEQ, c->rcv_seq - c->inq_len))
		return fail(e, "sequence numbers");
	len = qr_inet_sockaddr(e->i.r.family, &e->i.r.peer, &ss);
	if (qr_inet_connect_unrouted(e->fd, (struct sockaddr *)&ss, len,
				     !e->paired, &what)) {
		e->unreachable = errno == ENETUNREACH || errno == EHOSTUNREACH ||
				 errno == EADDRNOTAVAIL || errno == ENODEV;
		return e->unreachable ? -1 : fail(e, what);
	}
	o[no++] = (struct tcp_repair_opt){ TCPOPT_MAXSEG, c->mss };
	if (c->opts & TCPI_OPT_WSCALE)
		o[no++] = (struct tcp_repair_opt){ TCPOPT_WINDOW,
			c->snd_wscale | (uint32_t)c->rcv_wscale << 16 };
	if (c->opts & TCPI_OPT_SACK)
		o[no++] = (struct tcp_repair_opt){ TCPOPT_SACK_PERMITTED, 0 };
	if (c->opts & TCPI_OPT_TIMESTAMPS)
		o[no++] = (struct tcp_repair_opt){ TCPOPT_TIMESTAMP, 0 };
	if (setsockopt(e->fd, IPPROTO_TCP, TCP_REPAIR_OPTIONS, o,
		       no * sizeof(o[0])))
		return fail(e, "TCP_REPAIR_OPTIONS");
	if (c->opts & TCPI_OPT_TIMESTAMPS &&
	    set_int(e->fd, IPPROTO_TCP, TCP_TIMESTAMP, c->timestamp))
		return fail(e, "TCP_TIMESTAMP");
	/* Locked so: options() gives the kernel back those the process
	 * never set. */
	e->forced = true;
	if (set_int(e->fd, SOL_SOCKET, SO_SNDBUFFORCE, room) ||
	    set_int(e->fd, SOL_SOCKET, SO_RCVBUFFORCE, room))
		return fail(e, "buffers");
	if (refill(e->fd, TCP_SEND_QUEUE, e->i.outq, c->outq_len))
		return fail(e, "writing the send queue back");
	if (refill(e->fd, TCP_RECV_QUEUE, e->i.inq, c->inq_len))
		return fail(e, "writing the receive queue back");
	if (set_int(e->fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE) ||
	    setsockopt(e->fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof(w)))
		return fail(e, "TCP_REPAIR_WINDOW");
	return options(e);
}

static int repair_off(struct end *e)
{
	if (set_int(e->fd, IPPROTO_TCP, TCP_REPAIR, 0) ||
	    /* Repair mode forced the port's reuse; the socket's own now. */
	    set_int(e->fd, SOL_SOCKET, SO_REUSEADDR, e->i.r.o.reuseaddr))
		return fail(e, "TCP_REPAIR off");
	return 0;
}

/* The image's other end of e's connection (peer true), or the listener
 * on e's port; NULL if none. */
static const struct qri_file_img *kin(const struct qri_image *img,
				      const struct end *e, bool peer)
{
	for (size_t k = 0; k < img->nfiles; k++) {
		const struct qri_file_img *f = &img->files[k];
		struct qr_inet_rec r;

		if (f == e->f || f->f.kind != QRI_FD_TCP || f->f.data_len < sizeof(r))
			continue;
		memcpy(&r, f->data, sizeof(r));
		if (r.family != e->i.r.family)
			continue;
		if (peer && r.state == TCP_ESTABLISHED &&
		    qr_inet_same(&r.local, &e->i.r.peer) &&
		    qr_inet_same(&r.peer, &e->i.r.local))
			return f;
		if (!peer && r.state == TCP_LISTEN && r.local.port == e->i.r.local.port)
			return f;
	}
	return NULL;
}

/* The first process and fd the image gives file f. */
static void holder(const struct qri_image *img, const struct qri_file_img *f,
		   uint32_t *pid, uint32_t *fd)
{
	size_t idx = f - img->files;

	*pid = *fd = 0;
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nfds; j++)
			if (img->procs[i].fds[j].file == idx) {
				*pid = img->procs[i].fds[j].f.pid;
				*fd = img->procs[i].fds[j].f.fd;
				return;
			}
}

/* e's connection, which this system cannot route, dropped for its
 * process only: its fd holds a socket closed as after an abort, its
 * next read or write failing with ECONNABORTED (a connect in repair
 * mode to a loopback address, then a disconnect in repair mode, which
 * sends nothing); unbound, as the disconnect leaves it, so that its
 * port stays free for a listener made again. Failing that, closed
 * only. */
static int dropped(const struct qri_image *img, struct end *e)
{
	struct sockaddr_storage ss;
	struct qr_inet_addr lo = { .port = 9 };
	const char *what;
	char a[64], b[64];
	uint32_t pid, fd;
	socklen_t len;
	int why = errno;

	holder(img, e->f, &pid, &fd);
	errno = why;
	qr_error("restore: process %u: fd %u: TCP connection %s -> %s: no route to its peer from this address here (%s): connection dropped, the process reads ECONNABORTED",
		 pid, fd, qr_inet_str(e->i.r.family, &e->i.r.local, a),
		 qr_inet_str(e->i.r.family, &e->i.r.peer, b), strerror(errno));
	if (e->fd >= 0)
		close(e->fd);
	if (e->i.r.family == AF_INET)
		memcpy(lo.addr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	else
		lo.addr[15] = 1;
	e->i.r.flags &= ~QR_INET_BOUND;
	if (make(e, true))
		return -1;
	len = qr_inet_sockaddr(e->i.r.family, &lo, &ss);
	if (!qr_inet_connect_unrouted(e->fd, (struct sockaddr *)&ss, len, false,
				      &what)) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = AF_UNSPEC;
		if (connect(e->fd, (struct sockaddr *)&ss, sizeof(ss)))
			return fail(e, "disconnect in repair mode");
	}
	if (set_int(e->fd, IPPROTO_TCP, TCP_REPAIR, 0))
		return fail(e, "TCP_REPAIR off");
	return options(e);
}

static int established(struct qr_files *t, struct end *e)
{
	const struct qri_image *img = qr_files_image(t);
	const struct qri_file_img *l = kin(img, e, false), *pf = kin(img, e, true);
	struct end p = { .fd = -1 };
	int rc;

	if (l && qr_files_get(t, l->f.id) < 0)
		return -1;
	if (pf && parse(pf, &p))
		return -1;
	if (pf) {
		const struct qri_file_img *pl = kin(img, &p, false);

		if (pl && qr_files_get(t, pl->f.id) < 0)
			return -1;
	}
	e->paired = p.paired = pf != NULL;
	rc = connection(e);
	if (rc && e->unreachable)
		rc = dropped(img, e);
	if (!rc && pf) {
		rc = connection(&p);
		if (rc && p.unreachable)
			rc = dropped(img, &p);
		else if (!rc)
			rc = repair_off(&p);
	}
	if (!rc && !e->unreachable)
		rc = repair_off(e);
	if (!rc && pf) {
		rc = qr_files_put(t, pf->f.id, p.fd);	/* which owns it now */
		p.fd = -1;
	}
	if (p.fd >= 0)
		close(p.fd);
	return rc;
}

static int tcp_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct end e;
	int rc;

	if (parse(f, &e))
		return -1;
	switch (e.i.r.state) {
	case TCP_LISTEN:
		rc = make(&e, false);
		if (!rc && listen(e.fd, e.i.r.backlog))
			rc = fail(&e, "listen");
		if (!rc)
			rc = options(&e);
		break;
	case TCP_ESTABLISHED:
		rc = established(t, &e);
		break;
	default:
		rc = make(&e, false) || options(&e) ? -1 : 0;
	}
	if (rc && e.fd >= 0)
		close(e.fd);
	return rc ? -1 : e.fd;
}

static int tcp_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_inet_img i;
	struct qr_err why;

	if (qr_inet_img_parse(f->data, f->f.data_len, true, &i, &why))
		return qr_err_set(e, "TCP socket: %s", why.msg);
	return 0;
}

const struct qr_fd_kind qr_fd_tcp = {
	.kind = QRI_FD_TCP, .name = "TCP socket",
	.match_fd = tcp_match_fd, .capture = tcp_capture,
	.check_set = tcp_check_set, .valid = tcp_valid, .open = tcp_open,
};
