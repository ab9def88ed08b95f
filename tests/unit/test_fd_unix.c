/* UNIX sockets (fds/unix.c, fds/sockdiag.c): the sock_diag answer and
 * image data parsers against bad input, and a round trip in this
 * process: sockets captured (their queues left as they were), closed,
 * made again from the captured data by restore's file table. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/unix_diag.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "fds/kind.h"
#include "fds/sockdiag.h"
#include "fds/table.h"
#include "fds/unix.h"
#include "fake_fdstate.h"
#include "test.h"

#ifndef SO_PEEK_OFF
#define SO_PEEK_OFF 42
#endif

/* ---- sock_diag answers ---- */

static size_t attr(uint8_t *b, size_t off, uint16_t type, const void *v,
		   uint16_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(b + off, &a, sizeof(a));
	memcpy(b + off + NLA_HDRLEN, v, len);
	return off + NLA_ALIGN(a.nla_len);
}

static size_t answer(uint8_t *b)
{
	struct unix_diag_msg m = { .udiag_family = AF_UNIX,
				   .udiag_type = SOCK_STREAM,
				   .udiag_state = 10, .udiag_ino = 77 };
	struct unix_diag_rqlen q = { 2, 128 };
	uint32_t icons[2] = { 91, 92 }, peer = 0;
	uint8_t shut = 0;
	size_t off = NLMSG_ALIGN(sizeof(m));

	memset(b, 0, 512);
	memcpy(b, &m, sizeof(m));
	off = attr(b, off, UNIX_DIAG_NAME, "\0abc", 4);
	off = attr(b, off, UNIX_DIAG_PEER, &peer, 4);
	off = attr(b, off, UNIX_DIAG_RQLEN, &q, sizeof(q));
	off = attr(b, off, UNIX_DIAG_ICONS, icons, sizeof(icons));
	off = attr(b, off, UNIX_DIAG_SHUTDOWN, &shut, 1);
	return off;
}

TEST(unix_diag_parse_answer)
{
	uint8_t b[512];
	size_t len = answer(b);
	struct qr_unix_diag d;
	char name[QR_UNIX_NAME_MAX + 2];

	CHECK(qr_unix_diag_parse(b, len, &d) == 0);
	CHECK_U64(d.ino, 77);
	CHECK_U64(d.state, 10);
	CHECK_U64(d.rqueue, 2);
	CHECK_U64(d.wqueue, 128);
	CHECK_U64(d.nicons, 2);
	CHECK_U64(d.icons[1], 92);
	CHECK_STR(qr_unix_name_str(d.name, d.name_len, name), "@abc");
	qr_unix_diag_free(&d);
	/* Every cut: a whole answer or a refusal, no read past len. */
	for (size_t n = 0; n < len; n++) {
		uint8_t *c = malloc(n + 1);

		memcpy(c, b, n);
		if (!qr_unix_diag_parse(c, n, &d))
			qr_unix_diag_free(&d);
		free(c);
	}
}

TEST(unix_diag_parse_refuses)
{
	uint8_t b[512];
	size_t len = answer(b), first = NLMSG_ALIGN(sizeof(struct unix_diag_msg));
	struct qr_unix_diag d;
	struct nlattr a;

	b[0] = AF_INET;
	CHECK(qr_unix_diag_parse(b, len, &d) == -1);
	answer(b);
	/* The name's length beyond the answer. */
	memcpy(&a, b + first, sizeof(a));
	a.nla_len = 500;
	memcpy(b + first, &a, sizeof(a));
	CHECK(qr_unix_diag_parse(b, len, &d) == -1);
	/* A name longer than sun_path. */
	len = attr(b, NLMSG_ALIGN(sizeof(struct unix_diag_msg)), UNIX_DIAG_NAME,
		   b + 200, 120);
	CHECK(qr_unix_diag_parse(b, len, &d) == -1);
	/* Queued connections not a whole number of inodes. */
	answer(b);
	len = attr(b, first, UNIX_DIAG_ICONS, "abcdef", 6);
	CHECK(qr_unix_diag_parse(b, len, &d) == -1);
}

/* ---- image data ---- */

struct blob {
	uint8_t b[1024];
	size_t len;
};

static void put(struct blob *x, const void *p, size_t n)
{
	memcpy(x->b + x->len, p, n);
	x->len += n;
}

/* A datagram socket bound to /tmp/s with two messages, "ab" from
 * "@xy" and "" from an unnamed socket. */
static void good(struct blob *x, struct qr_unix_rec *r)
{
	uint32_t two = 2, zero = 0;
	uint8_t three = 3, none = 0;

	memset(r, 0, sizeof(*r));
	r->type = SOCK_DGRAM;
	r->state = 7;	/* TCP_CLOSE */
	r->flags = QR_UNIX_BIND;
	r->name_len = 7;
	r->nmsgs = 2;
	r->peek_off = -1;
	x->len = 0;
	put(x, r, sizeof(*r));
	put(x, "/tmp/s", 7);
	put(x, &two, 4);
	put(x, &three, 1);
	put(x, "\0xy", 3);
	put(x, "ab", 2);
	put(x, &zero, 4);
	put(x, &none, 1);
}

/* r with a name of name_len bytes and tail after it (at most 256). */
static int parse_tail(struct qr_unix_rec *r, const char *name,
		      uint32_t name_len, const void *tail, size_t tail_len)
{
	struct qr_unix_img u;
	struct blob x = { .len = 0 };
	const char *why;

	r->name_len = name_len;
	put(&x, r, sizeof(*r));
	put(&x, name, name_len);
	put(&x, tail, tail_len);
	return qr_unix_img_parse(x.b, x.len, &u, &why);
}

static int parse_with(struct qr_unix_rec *r, const char *name, uint32_t name_len)
{
	return parse_tail(r, name, name_len, "", 0);
}

TEST(unix_img_parse_good)
{
	struct qr_unix_rec r;
	struct qr_unix_img u;
	struct blob x;
	const char *why;
	struct qr_unix_msg m;
	uint32_t n = 0;
	size_t off = 0;

	good(&x, &r);
	CHECK(qr_unix_img_parse(x.b, x.len, &u, &why) == 0);
	CHECK(!memcmp(u.name, "/tmp/s", 7));
	while (qr_unix_next_msg(&u, &off, &m)) {
		CHECK_U64(m.len, n ? 0 : 2);
		CHECK_U64(m.from_len, n ? 0 : 3);
		CHECK(n || !memcmp(m.from, "\0xy", 3));
		CHECK(n || !memcmp(m.data, "ab", 2));
		n++;
	}
	CHECK_U64(n, 2);
	/* With each message's credentials. */
	{
		struct qr_unix_msg_cred c = { 77, 1000, 100 };
		struct qr_unix_rec rc = r;
		struct blob y = { .len = 0 };
		uint32_t two = 2, zero = 0;
		uint8_t three = 3, none = 0;

		rc.flags |= QR_UNIX_MSGCRED;
		put(&y, &rc, sizeof(rc));
		put(&y, "/tmp/s", 7);
		put(&y, &two, 4);
		put(&y, &three, 1);
		put(&y, "\0xy", 3);
		put(&y, &c, sizeof(c));
		put(&y, "ab", 2);
		put(&y, &zero, 4);
		put(&y, &none, 1);
		memset(&c, 0, sizeof(c));
		put(&y, &c, sizeof(c));
		CHECK(qr_unix_img_parse(y.b, y.len, &u, &why) == 0);
		off = 0;
		CHECK(qr_unix_next_msg(&u, &off, &m) && m.cred.pid == 77 &&
		      m.cred.uid == 1000 && m.cred.gid == 100 && m.len == 2 &&
		      !memcmp(m.data, "ab", 2));
		CHECK(qr_unix_next_msg(&u, &off, &m) && !m.cred.pid && !m.len);
		CHECK(!qr_unix_next_msg(&u, &off, &m));
		/* No pid with a uid, a negative pid: refused. */
		c.uid = 5;
		memcpy(y.b + y.len - sizeof(c), &c, sizeof(c));
		CHECK(qr_unix_img_parse(y.b, y.len, &u, &why) == -1);
		c.uid = 0;
		c.pid = -2;
		memcpy(y.b + y.len - sizeof(c), &c, sizeof(c));
		CHECK(qr_unix_img_parse(y.b, y.len, &u, &why) == -1);
		CHECK(qr_unix_img_parse(y.b, y.len - 1, &u, &why) == -1);
	}
	/* Every cut is refused, no read past the end. */
	for (size_t k = 0; k < x.len; k++) {
		uint8_t *c = malloc(k + 1);

		memcpy(c, x.b, k);
		CHECK(qr_unix_img_parse(c, k, &u, &why) == -1);
		free(c);
	}
	CHECK(qr_unix_img_parse(NULL, 0, &u, &why) == -1);
}

TEST(unix_img_parse_refuses)
{
	struct qr_unix_rec r, bad;
	struct qr_unix_img u;
	struct blob x;
	const char *why;
	uint32_t huge = 0xfffffff0u;

	good(&x, &r);
	put(&x, "", 1);		/* a byte after the last message */
	CHECK(qr_unix_img_parse(x.b, x.len, &u, &why) == -1);
	good(&x, &r);
	memcpy(x.b + sizeof(r) + 7, &huge, 4);	/* a message past the end */
	CHECK(qr_unix_img_parse(x.b, x.len, &u, &why) == -1);

	memset(&r, 0, sizeof(r));
	r.type = SOCK_STREAM;
	r.state = 7;
	CHECK(parse_with(&r, "", 0) == 0);
	bad = r;
	bad.type = SOCK_RAW;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.state = 2;	/* TCP_SYN_SENT */
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.shutdown = 4;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.flags = 0x80;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.flags = QR_UNIX_BIND;	/* bound to no name */
	CHECK(parse_with(&bad, "", 0) == -1);
	bad.flags = QR_UNIX_BIND | QR_UNIX_FILE;	/* a file, abstract */
	CHECK(parse_with(&bad, "\0ab", 3) == -1);
	CHECK(parse_with(&bad, "/a\0b", 5) == -1);	/* a 0 inside */
	CHECK(parse_with(&bad, "/ab", 3) == -1);	/* no 0 at the end */
	CHECK(parse_with(&bad, "/ab", 4) == 0);
	bad = r;
	bad.nicons = 1;		/* queued connections: a listener's only */
	CHECK(parse_tail(&bad, "", 0, "abcd", 4) == -1);
	bad.state = 10;		/* TCP_LISTEN */
	CHECK(parse_tail(&bad, "", 0, "abcd", 4) == 0);
	bad.nmsgs = 1;		/* a listener has no data */
	CHECK(parse_tail(&bad, "", 0, "abcd\0\0\0\0", 8) == -1);
	bad = r;
	CHECK(parse_with(&bad, (char[200]){ 0 }, 200) == -1);	/* > sun_path */
	bad = r;
	bad.peek_off = -2;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.file_mode = 0100644;	/* a mode with a file type */
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.nmsgs = QR_UNIX_MAX_MSGS + 1;
	CHECK(parse_with(&bad, "", 0) == -1);
	good(&x, &r);
	x.b[sizeof(r) + 11] = 200;	/* a sender name past sun_path */
	CHECK(qr_unix_img_parse(x.b, x.len, &u, &why) == -1);
	memset(&r, 0, sizeof(r));
	r.type = SOCK_STREAM;
	r.state = 7;

	/* Credentials: a pid, groups that are there, a connection's for a
	 * connection not yet accepted only. */
	bad = r;
	bad.peer_cred.uid = 5;		/* without QR_UNIX_PEERCRED */
	CHECK(parse_with(&bad, "", 0) == -1);
	bad.flags = QR_UNIX_PEERCRED;	/* pid 0 */
	CHECK(parse_with(&bad, "", 0) == -1);
	bad.peer_cred.pid = 77;
	CHECK(parse_with(&bad, "", 0) == 0);
	bad.peer_cred.ngroups = 2;
	CHECK(parse_tail(&bad, "", 0, "abcd", 4) == -1);
	CHECK(parse_tail(&bad, "", 0, "abcdefgh", 8) == 0);
	bad.peer_cred.ngroups = QR_UNIX_MAX_GROUPS + 1;
	CHECK(parse_tail(&bad, "", 0, "abcdefgh", 8) == -1);
	bad = r;
	bad.flags = QR_UNIX_CONNCRED;
	bad.conn_cred.pid = 9;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad.flags |= QR_UNIX_PENDING;
	CHECK(parse_with(&bad, "", 0) == 0);
	bad = r;
	bad.flags = QR_UNIX_ACCEPTED;	/* its listener's name: none */
	CHECK(parse_with(&bad, "", 0) == -1);
	CHECK(parse_with(&bad, "\0ab", 3) == 0);
	/* Options: known ones only; a filter that is there and not huge. */
	bad = r;
	bad.opt_absent = 1u << QR_UNIX_NOPTS;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.linger_onoff = 2;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.nfilter = 1;
	CHECK(parse_tail(&bad, "", 0, "abcd", 4) == -1);
	CHECK(parse_tail(&bad, "", 0, "abcdefgh", 8) == 0);
	bad.nfilter = QR_UNIX_MAX_FILTER + 1;
	CHECK(parse_with(&bad, "", 0) == -1);
	bad = r;
	bad.peersec_len = 11;		/* a security label: there, not huge */
	CHECK(parse_tail(&bad, "", 0, "unconfine", 9) == -1);
	CHECK(parse_tail(&bad, "", 0, "unconfined", 11) == 0);
	bad.peersec_len = QR_UNIX_MAX_PEERSEC + 1;
	CHECK(parse_with(&bad, "", 0) == -1);
}

/* ---- round trip ---- */

#define NFILES 9

/* Captures fd of process pid (local: this process's copy of it). */
static void capture_of(pid_t pid, int fd, int local, uint32_t id,
		       struct qri_file_img *out, struct qr_fd_seen *seen)
{
	struct qr_strbuf data = { 0 };
	struct qri_file f = { .id = id, .kind = QRI_FD_UNIX };
	char link[64];
	struct stat st;
	struct qr_fd_capture c = { pid, fd, link, &st, &f, &data, false };

	CHECK(fstat(local, &st) == 0);
	snprintf(link, sizeof(link), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK(qr_fd_unix.match(link, &st));
	f.open_flags = fcntl(local, F_GETFL);
	CHECK(qr_fd_unix.capture(&c) == 0);
	CHECK(!data.oom);
	f.data_len = data.len;
	out->f = f;
	out->path = strdup(link);
	out->data = (uint8_t *)data.s;
	*seen = (struct qr_fd_seen){ .pid = pid, .fd = fd, .id = id,
				     .kind = QRI_FD_UNIX, .object = f.object,
				     .dev = st.st_dev, .ino = st.st_ino };
}

static void capture(int fd, uint32_t id, struct qri_file_img *out,
		    struct qr_fd_seen *seen)
{
	capture_of(getpid(), fd, fd, id, out, seen);
}

static int capture_rc(int fd);

/* ---- sockets made by a child ---- */

#define NHELD 16

/* A child's sockets: copies here (fds), its own numbers (theirs). */
struct held {
	pid_t pid;
	int n, release;
	int fds[NHELD], theirs[NHELD];
};

/* Runs make(fds, arg) in a child, as uid (gid uid, groups uid + 1 and
 * uid + 2) unless 0, which hands its n fds over and holds them until
 * released: the peer credentials they record name the child, whose pid
 * is free once released, as a kept process's is when restore makes
 * files. */
static void hold_in_child(struct held *h, int n, void (*make)(int *, void *),
			  void *arg, uid_t uid)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(NHELD * sizeof(int))];
	} cb;
	struct iovec iov = { h->theirs, n * sizeof(int) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cb.b,
			    .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	int ch[2], rel[2];
	char byte;

	h->n = n;
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, ch) == 0 && pipe(rel) == 0);
	h->pid = fork();
	if (!h->pid) {
		gid_t g[2] = { uid + 1, uid + 2 };

		/* Another child's release pipe would hold it. */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != rel[0] && fd != ch[1])
				close(fd);
		if (uid && (setgroups(2, g) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(1);
		make(h->theirs, arg);
		cb.c.cmsg_level = SOL_SOCKET;
		cb.c.cmsg_type = SCM_RIGHTS;
		cb.c.cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(&cb.c), h->theirs, n * sizeof(int));
		if (sendmsg(ch[1], &m, 0) < 0 || read(rel[0], &byte, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(rel[0]);
	close(ch[1]);
	h->release = rel[1];
	CHECK(recvmsg(ch[0], &m, 0) == (ssize_t)(n * sizeof(int)));
	CHECK(CMSG_FIRSTHDR(&m) && CMSG_FIRSTHDR(&m)->cmsg_type == SCM_RIGHTS);
	memcpy(h->fds, CMSG_DATA(CMSG_FIRSTHDR(&m)), n * sizeof(int));
	close(ch[0]);
}

static void release(struct held *h)
{
	close(h->release);
	waitpid(h->pid, NULL, 0);
}

static void capture_held(const struct held *h, int i, uint32_t id,
			 struct qri_file_img *out, struct qr_fd_seen *seen)
{
	capture_of(h->pid, h->theirs[i], h->fds[i], id, out, seen);
}

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static int recv_is(int fd, const char *want, ssize_t len)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	return n == len && !memcmp(buf, want, len);
}

static int get_int(int fd, int opt)
{
	int v = -7;
	socklen_t l = sizeof(v);

	getsockopt(fd, SOL_SOCKET, opt, &v, &l);
	return v;
}

struct rt_names {
	struct sockaddr_un abs, path;
	socklen_t alen, plen;
};

/* The round trip's sockets, made by a child: a stream, a datagram and a
 * seqpacket pair, a listener on an abstract name with a connection
 * queued, a datagram socket bound to a path. */
static void make_round_trip(int *fds, void *arg)
{
	const struct rt_names *n = arg;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, fds + 2) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds + 4))
		_exit(1);
	fds[6] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[7] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[8] = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(fds[6], (struct sockaddr *)&n->abs, n->alen) ||
	    listen(fds[6], 4) ||
	    connect(fds[7], (struct sockaddr *)&n->abs, n->alen) ||
	    bind(fds[8], (struct sockaddr *)&n->path, sizeof(n->path)) ||
	    chmod(n->path.sun_path, 0600))
		_exit(1);
}

static pid_t peer_pid(int fd)
{
	struct ucred u = { 0 };
	socklen_t l = sizeof(u);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &u, &l) ? -1 : u.pid;
}

TEST(unix_round_trip)
{
	struct qri_file_img files[NFILES] = { 0 };
	struct qr_fd_seen seen[NFILES], other[NFILES];
	struct qr_fd_set set = { seen, NFILES };
	struct qri_image img = { .files = files, .nfiles = NFILES };
	struct rt_names n = { .abs = { .sun_family = AF_UNIX } };
	struct sockaddr_un path;
	int *sp, *dg, *hs, l, cl, pl, fd[NFILES], two = 2, a;
	struct qr_files t;
	struct held h;
	struct stat st;
	char big[333];

	n.path = n.abs;
	snprintf(n.abs.sun_path + 1, sizeof(n.abs.sun_path) - 1, "qr-unit-%d", getpid());
	n.alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(n.abs.sun_path + 1);
	snprintf(n.path.sun_path, sizeof(n.path.sun_path), "/tmp/qr-unit-%d.sock", getpid());
	path = n.path;
	unlink(path.sun_path);
	memset(big, 'z', sizeof(big));
	hold_in_child(&h, NFILES, make_round_trip, &n, 0);
	sp = h.fds;
	dg = h.fds + 2;
	hs = h.fds + 4;
	l = h.fds[6];
	cl = h.fds[7];
	pl = h.fds[8];
	CHECK(write(sp[0], "hello", 5) == 5 && write(sp[1], "world!", 6) == 6);
	CHECK(write(sp[0], "-again", 6) == 6);
	CHECK(send(dg[1], "1", 1, 0) == 1 && send(dg[1], "22", 2, 0) == 2 &&
	      send(dg[1], big, 333, 0) == 333);
	CHECK(send(hs[0], "abc", 3, 0) == 3 && shutdown(hs[0], SHUT_WR) == 0);
	a = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(sendto(a, "to-path", 7, 0, (struct sockaddr *)&path, sizeof(path)) == 7);
	close(a);
	CHECK(setsockopt(sp[1], SOL_SOCKET, SO_PEEK_OFF, &two, sizeof(two)) == 0);
	CHECK(fcntl(sp[0], F_SETFL, O_NONBLOCK) == 0);

	/* The client first: its restore asks for the listener's. */
	capture_held(&h, 7, 1, &files[0], &seen[0]);
	capture_held(&h, 6, 2, &files[1], &seen[1]);
	for (int i = 0; i < 6; i++)
		capture_held(&h, i, 3 + i, &files[2 + i], &seen[2 + i]);
	capture_held(&h, 8, 9, &files[8], &seen[8]);
	CHECK(qr_fd_unix.check_set(&set) == 0);
	/* Kept as another process: without its peer, or without the client
	 * of its queued connection (both held by this one, outside). */
	for (int i = 0; i < NFILES; i++)
		other[i] = seen[i], other[i].pid = 1;
	set.v = other;
	set.n = 3;
	CHECK(qr_fd_unix.check_set(&set) == 1);
	set.v = &other[1];
	set.n = 1;
	CHECK(qr_fd_unix.check_set(&set) == 1);
	/* Not in the set but held by a kept process: that fd's own refusal
	 * (this one holds them too, and comes first in /proc). */
	for (int i = 0; i < NFILES; i++)
		other[i] = seen[i], other[i].pid = getpid();
	set.v = other;
	CHECK(qr_fd_unix.check_set(&set) == 0);

	/* Capture left every queue and SO_PEEK_OFF as they were. */
	CHECK(get_int(sp[1], SO_PEEK_OFF) == 2);
	CHECK(recv_is(sp[1], "hello-again", 11));
	CHECK(recv_is(sp[0], "world!", 6));
	CHECK(recv_is(dg[0], "1", 1) && recv_is(dg[0], "22", 2) &&
	      recv_is(dg[0], big, 333));
	CHECK(!readable(dg[0]));
	CHECK(recv_is(hs[1], "abc", 3));
	CHECK(recv_is(pl, "to-path", 7));
	for (int *p = (int[]){ sp[0], sp[1], dg[0], dg[1], hs[0], hs[1], l, cl, pl, -1 };
	     *p >= 0; p++)
		close(*p);
	release(&h);

	CHECK(qr_files_make(&t, &img) == 0);
	for (int i = 0; i < NFILES; i++)
		fd[i] = t.fd[i];
	CHECK(get_int(fd[3], SO_PEEK_OFF) == 2);	/* a read moves it */
	CHECK(get_int(fd[2], SO_PEEK_OFF) == -1);
	CHECK(recv_is(fd[3], "hello-again", 11));
	CHECK(recv_is(fd[2], "world!", 6));
	CHECK(fcntl(fd[2], F_GETFL) & O_NONBLOCK);
	CHECK(!(fcntl(fd[3], F_GETFL) & O_NONBLOCK));
	CHECK(write(fd[3], "ok", 2) == 2 && recv_is(fd[2], "ok", 2));
	CHECK(recv_is(fd[4], "1", 1) && recv_is(fd[4], "22", 2) &&
	      recv_is(fd[4], big, 333));
	CHECK(!readable(fd[4]));
	CHECK(recv_is(fd[7], "abc", 3));
	CHECK(recv(fd[7], big, 1, MSG_DONTWAIT) == 0);	/* end of file */
	CHECK(send(fd[6], "x", 1, MSG_NOSIGNAL) == -1);
	CHECK(get_int(fd[1], SO_ACCEPTCONN) == 1);
	CHECK(readable(fd[1]));
	a = accept(fd[1], NULL, NULL);
	CHECK(a >= 0 && write(fd[0], "q", 1) == 1 && recv_is(a, "q", 1));
	/* Each end names the child as its peer, not restore. */
	CHECK(peer_pid(fd[2]) == h.pid && peer_pid(fd[3]) == h.pid);
	CHECK(peer_pid(fd[6]) == h.pid && peer_pid(fd[1]) == h.pid);
	CHECK(peer_pid(fd[0]) == h.pid && peer_pid(a) == h.pid);
	CHECK(peer_pid(fd[8]) == 0);
	CHECK(!readable(fd[1]));
	close(a);
	CHECK(stat(path.sun_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	      (st.st_mode & 07777) == 0600);
	CHECK(recv_is(fd[8], "to-path", 7));
	a = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(sendto(a, "p", 1, 0, (struct sockaddr *)&path, sizeof(path)) == 1 &&
	      recv_is(fd[8], "p", 1));
	close(a);
	qr_files_close(&t);
	unlink(path.sun_path);
	for (int i = 0; i < NFILES; i++) {
		free(files[i].path);
		free(files[i].data);
	}
}

/* ---- peer credentials ---- */

struct cred_seen {
	struct ucred u;
	gid_t g[8];
	socklen_t glen;
};

static void peer_of(int fd, struct cred_seen *c)
{
	socklen_t l = sizeof(c->u);

	memset(c, 0, sizeof(*c));
	c->glen = sizeof(c->g);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->u, &l) == 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, c->g, &c->glen) == 0);
}

static bool same_cred(const struct cred_seen *a, const struct cred_seen *b)
{
	return a->u.pid == b->u.pid && a->u.uid == b->u.uid &&
	       a->u.gid == b->u.gid && a->glen == b->glen &&
	       !memcmp(a->g, b->g, a->glen);
}

/* A socketpair and a listener made by uid 1234. */
static void make_as_a(int *fds, void *arg)
{
	const struct rt_names *n = arg;

	fds[2] = socket(AF_UNIX, SOCK_STREAM, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    bind(fds[2], (struct sockaddr *)&n->abs, n->alen) || listen(fds[2], 4))
		_exit(1);
}

/* A client bound to a name of its own, connected by uid 4321. */
static void make_as_b(int *fds, void *arg)
{
	const struct rt_names *n = arg;

	fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(fds[0], (struct sockaddr *)&n->path, n->plen) ||
	    connect(fds[0], (struct sockaddr *)&n->abs, n->alen))
		_exit(1);
}

/* Each end reports the peer it reported before restore: a socketpair
 * made by another user, a connection whose two ends name different
 * users (accept), a listener; the accepted end shows its listener's
 * name, and so does its client's getpeername; the client its own name,
 * and so does the accepted end's getpeername. A socket whose peer's pid
 * is taken (this process's) is not made. */
TEST(unix_round_trip_creds)
{
	struct qri_file_img files[5] = { 0 };
	struct qr_fd_seen seen[5];
	struct qri_image img = { .files = files, .nfiles = 5 };
	struct rt_names n = { .abs = { .sun_family = AF_UNIX } };
	struct cred_seen before[5], after;
	struct sockaddr_un name;
	socklen_t len = sizeof(name);
	struct held a, b;
	struct qr_files t;
	int s, fds[5];

	snprintf(n.abs.sun_path + 1, sizeof(n.abs.sun_path) - 1, "qr-unit-cred-%d",
		 getpid());
	n.alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(n.abs.sun_path + 1);
	n.path = n.abs;
	snprintf(n.path.sun_path + 1, sizeof(n.path.sun_path) - 1,
		 "qr-unit-client-%d", getpid());
	n.plen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(n.path.sun_path + 1);
	hold_in_child(&a, 3, make_as_a, &n, 1234);
	hold_in_child(&b, 1, make_as_b, &n, 4321);
	s = accept(a.fds[2], NULL, NULL);
	CHECK(s >= 0);
	fds[0] = a.fds[0];
	fds[1] = a.fds[1];
	fds[2] = a.fds[2];
	fds[3] = b.fds[0];
	fds[4] = s;
	for (int i = 0; i < 5; i++)
		peer_of(fds[i], &before[i]);
	CHECK(before[3].u.uid == 1234 && before[4].u.uid == 4321);
	CHECK(before[0].glen == 2 * sizeof(gid_t) && before[0].g[0] == 1235);
	for (int i = 0; i < 3; i++)
		capture_held(&a, i, i + 1, &files[i], &seen[i]);
	capture_held(&b, 0, 4, &files[3], &seen[3]);
	capture(s, 5, &files[4], &seen[4]);
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	release(&a);
	release(&b);

	CHECK(qr_files_make(&t, &img) == 0);
	for (int i = 0; i < 5; i++) {
		peer_of(t.fd[i], &after);
		CHECK(same_cred(&before[i], &after));
	}
	CHECK(getsockname(t.fd[4], (struct sockaddr *)&name, &len) == 0 &&
	      len == n.alen && !memcmp(&name, &n.abs, len));
	len = sizeof(name);
	CHECK(getpeername(t.fd[3], (struct sockaddr *)&name, &len) == 0 &&
	      len == n.alen && !memcmp(&name, &n.abs, len));
	/* The client's own name, and the accepted end's peer's. */
	len = sizeof(name);
	CHECK(getsockname(t.fd[3], (struct sockaddr *)&name, &len) == 0 &&
	      len == n.plen && !memcmp(&name, &n.path, len));
	len = sizeof(name);
	CHECK(getpeername(t.fd[4], (struct sockaddr *)&name, &len) == 0 &&
	      len == n.plen && !memcmp(&name, &n.path, len));
	CHECK(write(t.fd[3], "c", 1) == 1 && recv_is(t.fd[4], "c", 1));
	qr_files_close(&t);
	for (int i = 0; i < 5; i++) {
		free(files[i].path);
		free(files[i].data);
	}

	/* Made by this process, which runs: its pid is taken. */
	{
		int sv[2];

		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		capture(sv[0], 1, &files[0], &seen[0]);
		capture(sv[1], 2, &files[1], &seen[1]);
		close(sv[0]);
		close(sv[1]);
		img.nfiles = 2;
		/* Not made: left out, failing only their holders. */
		CHECK(qr_files_make(&t, &img) == 0);
		CHECK(t.fd[0] < 0 && t.fd[1] < 0 && t.failed[0] && t.failed[1]);
		qr_files_close(&t);
		for (int i = 0; i < 2; i++) {
			free(files[i].path);
			free(files[i].data);
		}
	}
}

/* An empty message behind another: the first capture reads it; once
 * peeked, a peek at an offset steps over it, and the next capture sees
 * the queue short by its memory: refused, not lost. */
TEST(unix_empty_message)
{
	for (int type = SOCK_DGRAM; type <= SOCK_SEQPACKET; type += 3) {
		struct qri_file_img f = { 0 };
		struct qr_fd_seen seen;
		struct qr_unix_img u;
		struct qr_unix_msg m;
		const char *why;
		size_t off = 0;
		int sv[2], n = 0;

		CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
		CHECK(send(sv[0], "a", 1, 0) == 1 && send(sv[0], "", 0, 0) == 0 &&
		      send(sv[0], "bb", 2, 0) == 2);
		capture(sv[1], 1, &f, &seen);
		CHECK(qr_unix_img_parse(f.data, f.f.data_len, &u, &why) == 0);
		while (qr_unix_next_msg(&u, &off, &m))
			CHECK(n < 3 && m.len == (uint32_t)(n == 0 ? 1 : n == 1 ? 0 : 2) &&
			      ++n);
		CHECK(n == 3);
		CHECK(capture_rc(sv[1]) == -1);
		CHECK(recv_is(sv[1], "a", 1) && recv_is(sv[1], "", 0) &&
		      recv_is(sv[1], "bb", 2));
		CHECK(capture_rc(sv[1]) == 0);	/* empty now */
		free(f.path);
		free(f.data);
		close(sv[0]);
		close(sv[1]);
	}
}

/* A datagram socket fed by unconnected senders: what pfncheck counts
 * (faked here: one more than a peek reads, as with an empty datagram
 * peeked over) must be what the peeks read. */
TEST(unix_dgram_counted)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t alen;
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "qr-unit-fed-%d",
		 getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a.sun_path + 1);
	CHECK(bind(r, (struct sockaddr *)&a, alen) == 0);
	CHECK(sendto(s, "a", 1, 0, (struct sockaddr *)&a, alen) == 1 &&
	      sendto(s, "bb", 2, 0, (struct sockaddr *)&a, alen) == 2);
	CHECK(capture_rc(r) == 0);
	fake_rqueue_extra = 1;
	CHECK(capture_rc(r) == -1);
	fake_rqueue_extra = 0;
	CHECK(recv_is(r, "a", 1) && recv_is(r, "bb", 2));
	close(r);
	close(s);
}

/* A datagram queued with the credentials of a process of uid 1000 that
 * exited comes back with them (a helper holds its pid for the send),
 * and one queued without credentials with none. */
TEST(unix_msg_cred_round_trip)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} cb;
	struct qri_file_img f = { 0 };
	struct qri_image img = { .files = &f, .nfiles = 1 };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct ucred u = { 0 };
	struct qr_fd_seen seen;
	struct qr_files t;
	char buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1, st = -1;
	socklen_t alen;
	pid_t child;

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "qr-unit-cred-%d", getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a.sun_path + 1);
	CHECK(bind(r, (struct sockaddr *)&a, alen) == 0);
	child = fork();
	if (!child) {
		int s = socket(AF_UNIX, SOCK_DGRAM, 0);

		_exit(setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ||
		      setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
		      sendto(s, "c", 1, 0, (struct sockaddr *)&a, alen) != 1 ||
		      sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "n", 1, 0,
			     (struct sockaddr *)&a, alen) != 1);
	}
	CHECK(child > 0 && waitpid(child, &st, 0) == child && st == 0);
	capture(r, 1, &f, &seen);
	close(r);
	CHECK(qr_files_make(&t, &img) == 0);
	r = t.fd[0];
	CHECK(r >= 0);
	CHECK(setsockopt(r, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
	CHECK(recvmsg(r, &m, MSG_DONTWAIT) == 1 && buf[0] == 'c' &&
	      CMSG_FIRSTHDR(&m) && CMSG_FIRSTHDR(&m)->cmsg_type == SCM_CREDENTIALS);
	memcpy(&u, CMSG_DATA(&cb.h), sizeof(u));
	CHECK(u.pid == child && u.uid == 1000 && u.gid == 1000);
	m.msg_controllen = sizeof(cb.b);
	CHECK(recvmsg(r, &m, MSG_DONTWAIT) == 1 && buf[0] == 'n');
	memcpy(&u, CMSG_DATA(&cb.h), sizeof(u));
	CHECK(u.pid == 0);
	qr_files_close(&t);
	free(f.path);
	free(f.data);
}

/* A connection queued on a listener with data already sent on it: that
 * data waits in a socket no restore can make. */
TEST(unix_refuses_data_before_accept)
{
	struct sockaddr_un abs = { .sun_family = AF_UNIX };
	struct qri_file_img files[2] = { 0 };
	struct qr_fd_seen seen[2];
	struct qr_fd_set set = { seen, 2 };
	socklen_t alen;
	int l, c;

	snprintf(abs.sun_path + 1, sizeof(abs.sun_path) - 1, "qr-unit-sent-%d",
		 getpid());
	alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(abs.sun_path + 1);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(l, (struct sockaddr *)&abs, alen) == 0 && listen(l, 4) == 0);
	CHECK(connect(c, (struct sockaddr *)&abs, alen) == 0);
	capture(l, 1, &files[0], &seen[0]);
	capture(c, 2, &files[1], &seen[1]);
	CHECK(qr_fd_unix.check_set(&set) == 0);
	CHECK(write(c, "early", 5) == 5);
	CHECK(qr_fd_unix.check_set(&set) == 1);
	close(l);
	close(c);
	for (int i = 0; i < 2; i++) {
		free(files[i].path);
		free(files[i].data);
	}
}

/* What a capture of fd says, its data dropped. */
static int capture_rc(int fd)
{
	struct qr_strbuf data = { 0 };
	struct qri_file f = { .id = 1, .kind = QRI_FD_UNIX };
	struct stat st;
	struct qr_fd_capture c = { getpid(), fd, "socket:[]", &st, &f, &data,
				   true };
	int rc;

	CHECK(fstat(fd, &st) == 0);
	rc = qr_fd_unix.capture(&c);
	free(data.s);
	return rc;
}

/* File descriptors in flight are refused, and stay queued. Credentials
 * are carried, as a reader with SO_PASSCRED would see them, whether it
 * has it on or not (SO_PASSCRED is left as it was). */
TEST(unix_refuses_in_flight)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b[8];
	struct iovec iov = { "fd", 2 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int sp[2], dp[2], one = 1, zero = 0, fds_before;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &zero, sizeof(int));
	CHECK(sendmsg(sp[0], &m, 0) == 2);
	fds_before = dup(0);
	close(fds_before);
	CHECK(capture_rc(sp[1]) == -1);
	/* The fd the peek received was closed: the next free one is the same. */
	CHECK(dup(0) == fds_before);
	close(fds_before);
	CHECK(recv(sp[1], b, sizeof(b), MSG_DONTWAIT) == 2);

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dp) == 0);
	CHECK(send(dp[0], "c", 1, 0) == 1);	/* no credentials */
	CHECK(capture_rc(dp[1]) == 0);
	CHECK(get_int(dp[1], SO_PASSCRED) == 0);
	CHECK(setsockopt(dp[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
	CHECK(send(dp[0], "d", 1, 0) == 1);	/* this process's */
	{
		struct qri_file_img f = { 0 };
		struct qr_fd_seen seen;
		struct qr_unix_img u;
		struct qr_unix_msg msg;
		const char *why;
		size_t off = 0;

		capture(dp[1], 1, &f, &seen);
		CHECK(get_int(dp[1], SO_PASSCRED) == 1);
		CHECK(qr_unix_img_parse(f.data, f.f.data_len, &u, &why) == 0);
		CHECK(u.r.flags & QR_UNIX_MSGCRED);
		CHECK(qr_unix_next_msg(&u, &off, &msg) && msg.cred.pid == 0 &&
		      msg.cred.uid == 0 && msg.cred.gid == 0);
		CHECK(qr_unix_next_msg(&u, &off, &msg) && msg.cred.pid == getpid() &&
		      msg.cred.uid == geteuid() && msg.cred.gid == getegid() &&
		      msg.len == 1 && msg.data[0] == 'd');
		free(f.path);
		free(f.data);
	}
	CHECK(recv(dp[1], b, sizeof(b), MSG_DONTWAIT) == 1);
	CHECK(recv(dp[1], b, sizeof(b), MSG_DONTWAIT) == 1);
	for (int *p = (int[]){ sp[0], sp[1], dp[0], dp[1], -1 }; *p >= 0; p++)
		close(*p);
}
