/* UDP sockets, IPv4 and IPv6: bound (address or wildcard) or not,
 * connected or not, with their options (inet.h) and O_NONBLOCK; the
 * image says connected as TCP_ESTABLISHED, not as TCP_CLOSE, as the
 * kernel's UDP does.
 *
 * Refused by name: datagrams queued to read (their senders' addresses
 * cannot be given back to them; a checkpoint finding some fails and
 * leaves them queued), socket filters (classic or eBPF), multicast
 * memberships (udp_extra.c), a datagram being built and not sent
 * (UDP_CORK or MSG_MORE: what it holds cannot be read). Carried: UDP_CORK
 * with nothing corked. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/inet.h"
#include "fds/inet_live.h"
#include "fds/kind.h"
#include "fds/udp_extra.h"
#include "lib/exit.h"

/* Asked to the socket (tcp.c says why). */
static bool udp_match_fd(pid_t pid, int fd, const struct stat *st)
{
	return S_ISSOCK(st->st_mode) && qr_inet_is(pid, fd, IPPROTO_UDP);
}

/* What s holds to send (SIOCOUTQ, memory): a datagram corked (UDP_CORK,
 * MSG_MORE) stays until the process sends it; one sent and still on its
 * way out leaves in a moment, waited for a while. 0 if none, -1 if it
 * cannot be told. */
static ssize_t corked(int s)
{
	int v = 0;

	for (int i = 0; i < 50; i++) {
		if (ioctl(s, SIOCOUTQ, &v))
			return -1;
		if (!v)
			return 0;
		usleep(10000);
	}
	return v;
}

static int udp_capture(struct qr_fd_capture *c)
{
	struct qr_inet_rec r = { 0 };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), ilen = sizeof(int);
	char a[64], b[64], buf[128];
	const char *why;
	int s, dom, rc = -1;
	ssize_t q;

	s = qr_fd_dup(c->pid, c->fd);
	if (s < 0 || getsockopt(s, SOL_SOCKET, SO_DOMAIN, &dom, &ilen) ||
	    getsockname(s, (struct sockaddr *)&ss, &len) ||
	    qr_inet_from_sockaddr(&ss, &r.local) ||
	    qr_inet_opts_get(s, dom, false, &r.o)) {
		qr_error("process %d: fd %d: UDP socket: cannot read it: %s",
			 c->pid, c->fd, strerror(errno));
		goto out;
	}
	r.family = dom;
	r.state = TCP_CLOSE;
	r.ino = c->st->st_ino;
	c->f->object = r.ino;
	if (r.local.port)
		r.flags |= QR_INET_BOUND;
	len = sizeof(ss);
	if (!getpeername(s, (struct sockaddr *)&ss, &len) &&
	    !qr_inet_from_sockaddr(&ss, &r.peer)) {
		r.flags |= QR_INET_PEER;
		r.state = TCP_ESTABLISHED;
	}
	why = qr_udp_extra(s, dom, buf, sizeof(buf));
	if (!why)
		why = qr_inet_more_refused(s, dom, false, buf, sizeof(buf));
	if (why) {
		qr_error("process %d: fd %d: UDP socket %s: %s: not carried",
			 c->pid, c->fd, qr_inet_str(dom, &r.local, a), why);
		goto out;
	}
	q = corked(s);
	if (q) {
		qr_error("process %d: fd %d: UDP socket %s: %s: not carried",
			 c->pid, c->fd, qr_inet_str(dom, &r.local, a),
			 q < 0 ? "what it holds to send cannot be told (SIOCOUTQ)" :
			 "a datagram being built, not sent (UDP_CORK or MSG_MORE)");
		goto out;
	}
	q = recv(s, NULL, 0, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	if (q >= 0) {
		qr_error("process %d: fd %d: UDP socket %s: datagrams queued to read (the first of %zd bytes): not carried",
			 c->pid, c->fd, qr_inet_str(dom, &r.local, a), q);
		goto out;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		qr_error("process %d: fd %d: UDP socket %s%s%s: %s: not carried",
			 c->pid, c->fd, qr_inet_str(dom, &r.local, a),
			 r.flags & QR_INET_PEER ? " -> " : "",
			 r.flags & QR_INET_PEER ? qr_inet_str(dom, &r.peer, b) : "",
			 strerror(errno));
		goto out;
	}
	qr_strbuf_add(c->data, &r, sizeof(r));
	rc = 0;
out:
	if (s >= 0)
		close(s);
	return rc;
}

static int udp_fail(const struct qri_file_img *f, const struct qr_inet_rec *r,
		    const char *what)
{
	char a[64];

	qr_error("restore: file %u (UDP socket %s): %s: %s", f->f.id,
		 qr_inet_str(r->family, &r->local, a), what, strerror(errno));
	return -1;
}

static int udp_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qr_inet_rec *r;
	struct sockaddr_storage ss;
	struct qr_inet_img i;
	struct qr_err err;
	const char *what;
	char buf[64];
	socklen_t len;
	int s, rc = -1;

	(void)t;
	if (qr_inet_img_parse(f->data, f->f.data_len, false, &i, &err)) {
		qr_error("restore: file %u: UDP socket: bad image data: %s",
			 f->f.id, err.msg);
		return -1;
	}
	r = &i.r;
	s = socket(r->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return udp_fail(f, r, "socket");
	/* Its address may not be on this system yet (inet_live.c). */
	if (qr_inet_loopback() < 0 || qr_inet_opts_set_early(s, r->family, &r->o) ||
	    qr_inet_unplaced(s, r->family)) {
		udp_fail(f, r, "options");
		goto out;
	}
	len = qr_inet_sockaddr(r->family, &r->local, &ss);
	if (r->flags & QR_INET_BOUND && bind(s, (struct sockaddr *)&ss, len)) {
		udp_fail(f, r, "bind");
		goto out;
	}
	len = qr_inet_sockaddr(r->family, &r->peer, &ss);
	if (r->flags & QR_INET_PEER &&
	    qr_inet_connect_unrouted(s, (struct sockaddr *)&ss, len, true,
				     &what)) {
		udp_fail(f, r, what);
		goto out;
	}
	if (qr_inet_opts_set(s, r->family, false, false, &r->o, buf)) {
		udp_fail(f, r, buf);
		goto out;
	}
	if (qr_inet_placed(s, r->family, &r->o) ||
	    fcntl(s, F_SETFL, f->f.open_flags & O_NONBLOCK)) {
		udp_fail(f, r, "options");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		close(s);
	return rc ? -1 : s;
}

static int udp_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_inet_img i;
	struct qr_err why;

	if (qr_inet_img_parse(f->data, f->f.data_len, false, &i, &why))
		return qr_err_set(e, "UDP socket: %s", why.msg);
	return 0;
}

const struct qr_fd_kind qr_fd_udp = {
	.kind = QRI_FD_UDP, .name = "UDP socket",
	.match_fd = udp_match_fd, .capture = udp_capture,
	.valid = udp_valid, .open = udp_open,
};
