/*
 * cr-unix DIR [EXTRA]: UNIX sockets for checkpoint/restore scenarios.
 * The root R and its child C share, at fixed fd numbers:
 *   10  stream end A (O_NONBLOCK, SO_SNDBUF/SO_RCVBUF set), R and C
 *       (inherited: one open file description), and R's 20 (its dup);
 *       C holds end B at 21. R wrote 3000 records "R%07d\n" to 10, C
 *       wrote 2000 "C%07d\n" to 21: queued both ways, none read.
 *   11  seqpacket end A (SO_RCVTIMEO 1.5 s, SO_SNDTIMEO 2.5 s), C holds
 *       B at 22; R sent messages of 5, 1000, 1, 4096 and 300 bytes, C of
 *       17, 2 and 3000.
 *   12, 13  a datagram pair in R: 13 sent 12 messages of 1, 100, 3000, 7
 *       and 60000 bytes.
 *   14  a listener bound to DIR/l.sock (mode 0640, backlog 7,
 *       SO_PASSCRED), R and C; 15 (FD_CLOEXEC) connected to it, not
 *       accepted.
 *   16  a listener on the abstract name "cr-unix-R".
 *   17, 18  a stream pair: 17 wrote "half-before-shutdown" and shut
 *       down writing; 18 has SO_PEEK_OFF 3.
 *   19  an unbound stream socket.
 *   23, 24  a stream socketpair made by a child U of uid 1000 (gid 1000,
 *       groups 1001 1002) that then exits; 25 U's client of the abstract
 *       listener 16, 26 its end accepted by R: each reports its peer
 *       (SO_PEERCRED pid, uid, gid, SO_PEERGROUPS) as before, 26 shows 16's
 *       name, 25 that name as its peer's. 26 has SO_PRIORITY 5, SO_MARK
 *       42, SO_RCVLOWAT 3, SO_LINGER 7 s, SO_KEEPALIVE, SO_TIMESTAMPNS and
 *       SO_PASSSEC set.
 *   27  a datagram socket bound to "@cr-unix-D<R>" with a classic BPF
 *       filter, three datagrams queued: from 28 (bound to "@cr-unix-S<R>"),
 *       from an unnamed socket, from 28: recvfrom names each sender.
 *   100...  EXTRA more stream pairs (to measure), 16 bytes queued in each
 *       end.
 * DIR/info holds "r=R c=C" once set up. When DIR/verify appears R checks
 * its sockets, asks C (DIR/verify-c) for its own (DIR/result-c) and
 * queues the same again (the next checkpoint finds what this one did) and
 * writes DIR/result: "pid=R stream=1 seq=1 dgram=1 listen=1 abstract=1
 * half=1 opts=1 flags=1 share=1 unbound=1 extra=1 cred=1 names=1 opts2=1
 * from=1 c_bytes=1 c_msgs=1"
 * (1: as set up; the first failure of each is in DIR/why).
 *
 * cr-unix DIR rights: a socketpair with fd 0 in flight (SCM_RIGHTS);
 * cr-unix DIR empty: a seqpacket pair with "a", an empty message and "bb"
 * queued (a peek at an offset steps over the empty one once peeked);
 * cr-unix DIR fed: the same on a datagram socket bound to an abstract
 * name, sent by an unbound socket that closed (no pair peer: no sender
 * is charged for all of its queue);
 * cr-unix DIR handed: a connection not yet accepted on its own listener,
 * from a socket made as uid 1000 and connected as root (which
 * credentials its accepted end reports is not knowable from outside);
 * cr-unix DIR serve PATH: listens on PATH, accepts one connection;
 * cr-unix DIR client PATH: connected to PATH. Each touches DIR/ready
 * once set and waits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/filter.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define R_RECORDS 3000
#define C_RECORDS 2000
#define EXTRA_FD 100

static const int r_seq[] = { 5, 1000, 1, 4096, 300 };
static const int c_seq[] = { 17, 2, 3000 };
static const int dgrams[] = { 1, 100, 3000, 7, 60000 };
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *dir;
static FILE *why;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A check: says the first time it fails, in DIR/why. */
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	if (!cond && why) {
		va_start(ap, fmt);
		vfprintf(why, fmt, ap);
		va_end(ap);
		fputc('\n', why);
		fflush(why);
	}
	return !!cond;
}

static void at(int fd, int want)
{
	if (fd != want && (dup2(fd, want) < 0 || close(fd)))
		die("dup2");
}

static void pair_at(int type, int a, int b)
{
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv))
		die("socketpair");
	at(sv[0], a);
	at(sv[1], b);
}

static socklen_t addr(struct sockaddr_un *a, const char *path, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s", path);
		return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
	}
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return sizeof(*a);
}

static int listener_at(const char *path, int abstract, int backlog, int fd)
{
	struct sockaddr_un a;
	socklen_t len = addr(&a, path, abstract);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (!abstract)
		unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) || listen(s, backlog))
		die(path);
	if (fd >= 0)
		at(s, fd);
	return fd >= 0 ? fd : s;
}

static int connect_to(const char *path, int abstract)
{
	struct sockaddr_un a;
	socklen_t len = addr(&a, path, abstract);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&a, len))
		return -1;
	return s;
}

static void write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("write");
}

static void touch(const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	close(fd);
}

static int exists(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static void nap(void)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };

	nanosleep(&t, NULL);
}

/* Stream records "%c%07d\n", n of them, in writes of changing size. */
static void write_records(int fd, char who, int n)
{
	char buf[9 * 3000 + 1];
	int len = 0, off = 0, step = 1;

	for (int i = 1; i <= n; i++)
		len += sprintf(buf + len, "%c%07d\n", who, i);
	while (off < len) {
		int k = step * 37 < len - off ? step * 37 : len - off;

		write_all(fd, buf + off, k);
		off += k;
		step = step % 50 + 1;
	}
}

/* Reads what is queued on fd (not waiting): exactly the n records. */
static int read_records(int fd, char who, int n, const char *what)
{
	static char buf[9 * 3000 + 4096];
	char rec[16];
	ssize_t got = 0, k;

	while ((k = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT)) > 0)
		got += k;
	if (!ok(k < 0 && errno == EAGAIN, "%s: ends with %zd (%s), not EAGAIN",
		what, k, strerror(errno)))
		return 0;
	if (!ok(got == 9 * n, "%s: %zd bytes queued, not %d", what, got, 9 * n))
		return 0;
	for (int i = 1; i <= n; i++) {
		sprintf(rec, "%c%07d\n", who, i);
		if (!ok(!memcmp(buf + 9 * (i - 1), rec, 9), "%s: record %d is not %c%07d",
			what, i, who, i))
			return 0;
	}
	return 1;
}

static void fill(unsigned char *b, int len, int tag)
{
	for (int i = 0; i < len; i++)
		b[i] = (unsigned char)(tag * 31 + i * 7);
}

static void send_msgs(int fd, const int *sizes, int n, int tag)
{
	static unsigned char b[60000];

	for (int i = 0; i < n; i++) {
		fill(b, sizes[i], tag + i);
		if (send(fd, b, sizes[i], 0) != sizes[i])
			die("send");
	}
}

/* Reads the messages queued on fd (not waiting): exactly these, whole,
 * in order, then nothing. */
static int recv_msgs(int fd, const int *sizes, int n, int tag, const char *what)
{
	static unsigned char b[65536], want[65536];
	ssize_t k;

	for (int i = 0; i < n; i++) {
		k = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (!ok(k == sizes[i], "%s: message %d has %zd bytes (%s), not %d",
			what, i, k, k < 0 ? strerror(errno) : "", sizes[i]))
			return 0;
		fill(want, sizes[i], tag + i);
		if (!ok(!memcmp(b, want, sizes[i]), "%s: message %d differs", what, i))
			return 0;
	}
	k = recv(fd, b, sizeof(b), MSG_DONTWAIT);
	return ok(k < 0 && errno == EAGAIN, "%s: more than %d messages (%zd)",
		  what, n, k);
}

static int get_int(int fd, int opt)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	getsockopt(fd, SOL_SOCKET, opt, &v, &len);
	return v;
}

static long get_us(int fd, int opt)
{
	struct timeval tv = { -1, 0 };
	socklen_t len = sizeof(tv);

	getsockopt(fd, SOL_SOCKET, opt, &tv, &len);
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

static int same_file(pid_t a, pid_t b, int fa, int fb)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILE, fa, fb) == 0;
}

/* Sends "ping" from c to the connection accepted on l and "pong" back. */
static int talk(int l, int c, const char *what)
{
	char buf[8] = "";
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK), rc;

	if (!ok(a >= 0, "%s: accept: %s", what, strerror(errno)))
		return 0;
	rc = ok(write(c, "ping", 4) == 4 && read(a, buf, 8) == 4 &&
		!memcmp(buf, "ping", 4), "%s: ping not through", what) &&
	     ok(write(a, "pong", 4) == 4 && read(c, buf, 8) == 4 &&
		!memcmp(buf, "pong", 4), "%s: pong not through", what);
	close(a);
	return rc;
}

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

static int name_is(int fd, int peer, const char *name, socklen_t len)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);

	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&a, &l))
		return 0;
	return l == len && !memcmp(&a, name, len);
}

/* DIR/NAME.tmp, to be renamed DIR/NAME once written: readers see it
 * whole. */
static FILE *open_new(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.tmp", dir, name);
	return fopen(path, "w");
}

static void publish(FILE *f, const char *name)
{
	char tmp[4096], path[4096];

	fclose(f);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (rename(tmp, path))
		die(path);
}

/* C's queues, as before each checkpoint. */
static void queue_c(void)
{
	write_records(21, 'C', C_RECORDS);
	send_msgs(22, c_seq, N(c_seq), 200);
}

static void child(void)
{
	int stream_ok, seq_ok;
	char path[4096];
	FILE *f;

	queue_c();
	touch("c-ready");
	for (;;) {
		if (exists("verify-c")) {
			stream_ok = read_records(21, 'R', R_RECORDS, "c stream");
			seq_ok = recv_msgs(22, r_seq, N(r_seq), 100, "c seqpacket");
			queue_c();
			f = open_new("result-c");
			if (f) {
				fprintf(f, "c_bytes=%d c_msgs=%d", stream_ok, seq_ok);
				publish(f, "result-c");
			}
			snprintf(path, sizeof(path), "%s/verify-c", dir);
			unlink(path);
		}
		nap();
	}
}

/* What SO_PEERCRED and SO_PEERGROUPS report. */
struct peer {
	struct ucred u;
	gid_t g[32];
	socklen_t glen;
	int has_groups;
};

struct before {
	int sndbuf, rcvbuf;
	struct peer peers[4];	/* of 23..26 */
	pid_t u;
	char dname[64], sname[64];
	struct sockaddr_un d, s;
	socklen_t dlen, slen;
	char lpath[4096], aname[64];
	struct sockaddr_un l, abs;
	socklen_t llen, alen;
};

static void peer_get(int fd, struct peer *p)
{
	socklen_t l = sizeof(p->u);

	memset(p, 0, sizeof(*p));
	p->u.pid = -1;
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->u, &l);
	p->glen = sizeof(p->g);
	p->has_groups = !getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->g, &p->glen);
}

static int peer_is(int fd, const struct peer *want)
{
	struct peer p;

	peer_get(fd, &p);
	return ok(p.u.pid == want->u.pid && p.u.uid == want->u.uid &&
		  p.u.gid == want->u.gid && p.has_groups == want->has_groups &&
		  p.glen == want->glen && !memcmp(p.g, want->g, p.glen),
		  "%d: peer pid %d uid %d gid %d, %u bytes of groups; was pid %d uid %d gid %d, %u bytes",
		  fd, p.u.pid, (int)p.u.uid, (int)p.u.gid, p.glen, want->u.pid,
		  (int)want->u.uid, (int)want->u.gid, want->glen);
}

/* U: a child of uid 1000 makes a socketpair and connects to the
 * abstract listener 16, hands the three to R and exits; R accepts. */
static void made_by_user(struct before *b)
{
	union {
		struct cmsghdr h;
		char c[CMSG_SPACE(3 * sizeof(int))];
	} cb;
	int ch[2], fds[3], k;
	struct iovec iov = { &k, sizeof(k) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.c,
			    .msg_controllen = sizeof(cb.c) };

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, ch))
		die("socketpair");
	b->u = fork();
	if (b->u < 0)
		die("fork");
	if (!b->u) {
		gid_t g[2] = { 1001, 1002 };

		if (setgroups(2, g) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, 1000) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
			_exit(1);
		fds[2] = connect_to(b->aname, 1);
		if (fds[2] < 0)
			_exit(1);
		cb.h.cmsg_level = SOL_SOCKET;
		cb.h.cmsg_type = SCM_RIGHTS;
		cb.h.cmsg_len = CMSG_LEN(3 * sizeof(int));
		memcpy(CMSG_DATA(&cb.h), fds, sizeof(fds));
		_exit(sendmsg(ch[1], &m, 0) == sizeof(k) ? 0 : 1);
	}
	if (recvmsg(ch[0], &m, 0) != sizeof(k) || !CMSG_FIRSTHDR(&m))
		die("recvmsg");
	memcpy(fds, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fds));
	waitpid(b->u, NULL, 0);
	close(ch[0]);
	close(ch[1]);
	at(fds[0], 23);
	at(fds[1], 24);
	at(fds[2], 25);
	at(accept(16, NULL, NULL), 26);
	for (int i = 0; i < 4; i++)
		peer_get(23 + i, &b->peers[i]);
}

static const int opt_set[][2] = {
	{ SO_PRIORITY, 5 }, { SO_MARK, 42 }, { SO_RCVLOWAT, 3 },
	{ SO_KEEPALIVE, 1 }, { SO_TIMESTAMPNS, 1 }, { SO_PASSSEC, 1 },
};

static void options_26_27(void)
{
	struct linger l = { 1, 7 };
	struct sock_filter all[] = { BPF_STMT(BPF_RET | BPF_K, 0x40000) };
	struct sock_fprog prog = { 1, all };

	for (int i = 0; i < N(opt_set); i++)
		if (setsockopt(26, SOL_SOCKET, opt_set[i][0], &opt_set[i][1],
			       sizeof(int)))
			die("setsockopt");
	if (setsockopt(26, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) ||
	    setsockopt(27, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		die("setsockopt");
}

/* The child of uid 1000 that sent 27 "from-user" and exited; the name
 * the kernel gave the unnamed socket that sent "from-anon" (SO_PASSCRED
 * binds a sender to an abstract name of 5 hex digits). */
static pid_t from_user;
static struct sockaddr_un anon_name;
static socklen_t anon_len;
#define AUTOBIND_LEN (offsetof(struct sockaddr_un, sun_path) + 6)

/* Datagrams to 27 (SO_PASSCRED off) from 28, from an unnamed socket
 * with SO_PASSCRED (R's credentials go with it), from a child of uid
 * 1000 likewise, from 28: what 27 reads with SO_PASSCRED turned on
 * after restore must be each sender's credentials or none. */
static void queue_from(const struct before *b)
{
	int a = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1, st = -1;

	if (setsockopt(a, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    sendto(28, "from-s-1", 8, 0, (struct sockaddr *)&b->d, b->dlen) != 8 ||
	    sendto(a, "from-anon", 9, 0, (struct sockaddr *)&b->d, b->dlen) != 9)
		die("sendto");
	anon_len = sizeof(anon_name);
	if (getsockname(a, (struct sockaddr *)&anon_name, &anon_len))
		die("getsockname");
	from_user = fork();
	if (!from_user) {
		int u = socket(AF_UNIX, SOCK_DGRAM, 0);

		_exit(setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ||
		      setsockopt(u, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
		      sendto(u, "from-user", 9, 0, (struct sockaddr *)&b->d,
			     b->dlen) != 9);
	}
	if (from_user < 0 || waitpid(from_user, &st, 0) != from_user || st ||
	    sendto(28, "from-s-2", 8, 0, (struct sockaddr *)&b->d, b->dlen) != 8)
		die("sendto");
	close(a);
}

/* The next datagram on 27 is want, from the name from (NULL: a name of
 * flen bytes), with the credentials of pid (and uid), or none (pid 0). */
static int recv_from(const char *want, const struct sockaddr_un *from,
		     socklen_t flen, pid_t pid, uid_t uid)
{
	union {
		struct cmsghdr h;
		char c[CMSG_SPACE(sizeof(struct ucred))];
	} cb;
	struct sockaddr_un a;
	char buf[32] = "";
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a),
			    .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cb.c, .msg_controllen = sizeof(cb.c) };
	ssize_t n = recvmsg(27, &m, MSG_DONTWAIT);
	struct cmsghdr *c = n < 0 ? NULL : CMSG_FIRSTHDR(&m);
	struct ucred u = { -1, 0, 0 };

	if (c && c->cmsg_type == SCM_CREDENTIALS)
		memcpy(&u, CMSG_DATA(c), sizeof(u));
	return ok(n == (ssize_t)strlen(want) && !strcmp(buf, want), "27: '%s', not '%s'",
		  buf, want) &
	       ok(m.msg_namelen == flen && (!from || !memcmp(&a, from, flen)),
		  "27: '%s' from a name of %u bytes, not %u", want, m.msg_namelen, flen) &
	       ok(u.pid == pid && (!pid || u.uid == uid),
		  "27: '%s' with the credentials of pid %d uid %u, not pid %d uid %u",
		  want, u.pid, u.uid, pid, uid);
}

static int check_cred_names(const struct before *b)
{
	char buf[8];
	int r = 1;

	for (int i = 0; i < 4; i++)
		r &= peer_is(23 + i, &b->peers[i]);
	r &= ok(b->peers[0].u.uid == 1000 && b->peers[0].u.pid == b->u &&
		b->peers[3].u.uid == 1000 && b->peers[2].u.uid == 0,
		"the peers set up are not U's and R's");
	r &= ok(write(23, "u", 1) == 1 && read(24, buf, 1) == 1, "23 to 24 not through");
	r &= ok(write(25, "v", 1) == 1 && recv(26, buf, 8, MSG_DONTWAIT) == 1,
		"25 to 26 not through");
	return r;
}

static int check_names(const struct before *b)
{
	return ok(name_is(26, 0, (char *)&b->abs, b->alen), "26: not its listener's name") &
	       ok(name_is(25, 1, (char *)&b->abs, b->alen), "25: its peer not named as its listener") &
	       ok(name_is(27, 0, (char *)&b->d, b->dlen), "27: its name") &
	       ok(name_is(28, 0, (char *)&b->s, b->slen), "28: its name");
}

static int check_opts2(void)
{
	struct linger l = { 0, 0 };
	socklen_t len = sizeof(l), n = 0;
	int r = 1;

	for (int i = 0; i < N(opt_set); i++)
		r &= ok(get_int(26, opt_set[i][0]) == opt_set[i][1],
			"26: option %d is %d, not %d", opt_set[i][0],
			get_int(26, opt_set[i][0]), opt_set[i][1]);
	r &= ok(!getsockopt(26, SOL_SOCKET, SO_LINGER, &l, &len) && l.l_onoff &&
		l.l_linger == 7, "26: SO_LINGER %d %d", l.l_onoff, l.l_linger);
	r &= ok(!getsockopt(27, SOL_SOCKET, SO_GET_FILTER, NULL, &n) && n == 1,
		"27: a filter of %u instructions", n);
	return r;
}

/* R's queues, as before each checkpoint: data on the pairs, a
 * connection queued on the listener, a half shut down pair, data in
 * each extra pair. */
static void queue_r(int extra, const struct before *b)
{
	int sz = 3;

	write_records(10, 'R', R_RECORDS);
	send_msgs(11, r_seq, N(r_seq), 100);
	send_msgs(13, dgrams, N(dgrams), 300);
	close(15);
	at(connect_to(b->lpath, 0), 15);
	fcntl(15, F_SETFD, FD_CLOEXEC);
	close(17);
	close(18);
	pair_at(SOCK_STREAM, 17, 18);
	write_all(17, "half-before-shutdown", 20);
	shutdown(17, SHUT_WR);
	setsockopt(18, SOL_SOCKET, SO_PEEK_OFF, &sz, sizeof(sz));
	queue_from(b);
	for (int i = 0; i < extra; i++) {
		char m[32];

		snprintf(m, sizeof(m), "extra%05d---end", i % 100000);
		write_all(EXTRA_FD + 2 * i, m, 16);
		write_all(EXTRA_FD + 2 * i + 1, m, 16);
	}
}

static void verify(pid_t c, int extra, const struct before *b)
{
	int stream, seq, dgram, listen_ok, abstract, half, opts, flags, share,
	    unbound, extra_ok = 1, cred, names, opts2, from;
	char buf[256] = "", cres[256] = "", path[4096];
	struct stat st;
	FILE *f;
	int s;

	stream = read_records(10, 'C', C_RECORDS, "r stream");
	seq = recv_msgs(11, c_seq, N(c_seq), 200, "r seqpacket");
	dgram = recv_msgs(12, dgrams, N(dgrams), 300, "dgram");

	listen_ok = ok(name_is(14, 0, (char *)&b->l, b->llen), "listener: its name") &
		ok(name_is(15, 1, (char *)&b->l, b->llen), "client: its peer's name") &
		ok(get_int(14, SO_ACCEPTCONN) == 1, "listener: not listening") &
		ok(!stat(b->lpath, &st) && S_ISSOCK(st.st_mode) &&
		   (st.st_mode & 07777) == 0640, "listener: file mode %o",
		   st.st_mode) &
		talk(14, 15, "queued connection");
	listen_ok &= ok(!readable(14), "listener: a second connection queued");
	s = connect_to(b->lpath, 0);
	listen_ok &= ok(s >= 0, "listener: connect: %s", strerror(errno)) &&
		     talk(14, s, "new connection");
	close(s);

	s = connect_to(b->aname, 1);
	abstract = ok(name_is(16, 0, (char *)&b->abs, b->alen), "abstract: its name") &
		   ok(s >= 0, "abstract: connect: %s", strerror(errno)) &&
		   talk(16, s, "abstract");
	close(s);

	half = ok(get_int(18, SO_PEEK_OFF) == 3, "half: SO_PEEK_OFF %d",
		  get_int(18, SO_PEEK_OFF));
	memset(buf, 0, sizeof(buf));
	half &= ok(recv(18, buf, sizeof(buf), MSG_DONTWAIT) == 20 &&
		   !strcmp(buf, "half-before-shutdown"), "half: read '%s'", buf) &
		ok(recv(18, buf, sizeof(buf), MSG_DONTWAIT) == 0, "half: no end of file") &
		ok(write(17, "x", 1) < 0 && errno == EPIPE, "half: 17 still writes") &
		ok(write(18, "back", 4) == 4 && recv(17, buf, 8, MSG_DONTWAIT) == 4 &&
		   !memcmp(buf, "back", 4), "half: 18 to 17 not through");

	opts = ok(get_int(10, SO_SNDBUF) == b->sndbuf, "SO_SNDBUF %d, was %d",
		  get_int(10, SO_SNDBUF), b->sndbuf) &
	       ok(get_int(10, SO_RCVBUF) == b->rcvbuf, "SO_RCVBUF %d, was %d",
		  get_int(10, SO_RCVBUF), b->rcvbuf) &
	       ok(get_us(11, SO_RCVTIMEO) == 1500000, "SO_RCVTIMEO %ld",
		  get_us(11, SO_RCVTIMEO)) &
	       ok(get_us(11, SO_SNDTIMEO) == 2500000, "SO_SNDTIMEO %ld",
		  get_us(11, SO_SNDTIMEO)) &
	       ok(get_int(14, SO_PASSCRED) == 1, "listener: SO_PASSCRED off") &
	       ok(get_int(10, SO_PASSCRED) == 0, "stream: SO_PASSCRED on");

	flags = ok(fcntl(10, F_GETFL) & O_NONBLOCK, "10: O_NONBLOCK lost") &
		ok(!(fcntl(11, F_GETFL) & O_NONBLOCK), "11: O_NONBLOCK got") &
		ok(fcntl(15, F_GETFD) == FD_CLOEXEC, "15: FD_CLOEXEC lost") &
		ok(fcntl(14, F_GETFD) == 0, "14: FD_CLOEXEC got") &
		ok(get_int(10, SO_TYPE) == SOCK_STREAM && get_int(11, SO_TYPE) ==
		   SOCK_SEQPACKET && get_int(12, SO_TYPE) == SOCK_DGRAM,
		   "types changed");

	share = ok(same_file(getpid(), getpid(), 10, 20), "10 and 20 not one file") &
		ok(same_file(getpid(), c, 10, 10), "R's and C's 10 not one file") &
		ok(same_file(getpid(), c, 14, 14), "R's and C's 14 not one file") &
		ok(!same_file(getpid(), getpid(), 10, 11), "kcmp says 10 is 11");

	{
		struct sockaddr_un a;
		socklen_t l = sizeof(a);

		unbound = ok(get_int(19, SO_TYPE) == SOCK_STREAM &&
			     get_int(19, SO_ACCEPTCONN) == 0 &&
			     !getsockname(19, (struct sockaddr *)&a, &l) &&
			     l == sizeof(sa_family_t), "19: not an unbound stream socket");
	}

	for (int i = 0; i < extra && extra_ok; i++) {
		char want[32], got[32];
		int e = EXTRA_FD + 2 * i;

		snprintf(want, sizeof(want), "extra%05d---end", i % 100000);
		for (int k = 0; k < 2 && extra_ok; k++) {
			memset(got, 0, sizeof(got));
			extra_ok = ok(recv(e + k, got, sizeof(got), MSG_DONTWAIT) == 16 &&
				      !memcmp(got, want, 16), "extra %d.%d: '%s'", i, k, got);
		}
	}

	cred = check_cred_names(b);
	names = check_names(b);
	opts2 = check_opts2();
	setsockopt(27, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int));
	from = recv_from("from-s-1", &b->s, b->slen, 0, 0) &
	       recv_from("from-anon", &anon_name, anon_len, getpid(), 0) &
	       recv_from("from-user", NULL, AUTOBIND_LEN, from_user, 1000) &
	       recv_from("from-s-2", &b->s, b->slen, 0, 0);
	setsockopt(27, SOL_SOCKET, SO_PASSCRED, &(int){ 0 }, sizeof(int));

	touch("verify-c");
	snprintf(path, sizeof(path), "%s/result-c", dir);
	for (int i = 0; i < 1500 && access(path, F_OK); i++)
		nap();
	f = fopen(path, "r");
	if (f) {
		if (!fgets(cres, sizeof(cres), f))
			cres[0] = '\0';
		fclose(f);
		unlink(path);
	}
	queue_r(extra, b);
	f = open_new("result");
	if (!f)
		return;
	fprintf(f, "pid=%d stream=%d seq=%d dgram=%d listen=%d abstract=%d half=%d opts=%d flags=%d share=%d unbound=%d extra=%d cred=%d names=%d opts2=%d from=%d %s\n",
		getpid(), stream, seq, dgram, listen_ok, abstract, half, opts, flags,
		share, unbound, extra_ok, cred, names, opts2, from, cres[0] ? cres : "c_bytes=0 c_msgs=0");
	publish(f, "result");
}

static void refuse(const char *mode, const char *path)
{
	int sv[2], s;

	if (!strcmp(mode, "rights")) {
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { "fd", 2 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		int zero = 0;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &zero, sizeof(int));
		if (sendmsg(sv[0], &m, 0) != 2)
			die("sendmsg");
	} else if (!strcmp(mode, "empty")) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) ||
		    send(sv[0], "a", 1, 0) != 1 || send(sv[0], "", 0, 0) != 0 ||
		    send(sv[0], "bb", 2, 0) != 2)
			die("empty");
	} else if (!strcmp(mode, "fed")) {
		struct sockaddr_un a;
		socklen_t alen = addr(&a, "cr-unix-fed", 1);

		s = socket(AF_UNIX, SOCK_DGRAM, 0);
		sv[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (s < 0 || sv[0] < 0 || bind(s, (struct sockaddr *)&a, alen) ||
		    sendto(sv[0], "a", 1, 0, (struct sockaddr *)&a, alen) != 1 ||
		    sendto(sv[0], "", 0, 0, (struct sockaddr *)&a, alen) != 0 ||
		    sendto(sv[0], "bb", 2, 0, (struct sockaddr *)&a, alen) != 2 ||
		    close(sv[0]))
			die("fed");
	} else if (!strcmp(mode, "handed")) {
		struct sockaddr_un h;
		socklen_t hlen = addr(&h, "cr-unix-handed", 1);

		listener_at("cr-unix-handed", 1, 5, -1);
		/* Made as uid 1000 (its owner), connected as root. */
		if (setresuid(-1, 1000, -1))
			die("setresuid");
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (setresuid(-1, 0, -1) || s < 0 ||
		    connect(s, (struct sockaddr *)&h, hlen))
			die("handed");
	} else if (!strcmp(mode, "serve")) {
		s = listener_at(path, 0, 5, -1);
		touch("serving");
		if (accept(s, NULL, NULL) < 0)
			die("accept");
	} else if (!strcmp(mode, "client")) {
		if (connect_to(path, 0) < 0)
			die(path);
	} else {
		fprintf(stderr, "cr-unix: unknown mode %s\n", mode);
		exit(2);
	}
	touch("ready");
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct before b = { 0 };
	struct rlimit lim;
	int extra = 0, sz;
	struct timeval tv;
	pid_t c;
	FILE *f;
	char path[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: cr-unix DIR [EXTRA | rights | serve PATH | client PATH]\n");
		return 2;
	}
	dir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 3 && (argv[2][0] < '0' || argv[2][0] > '9'))
		refuse(argv[2], argc > 3 ? argv[3] : "");
	if (argc >= 3)
		extra = atoi(argv[2]);
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 &&
	    lim.rlim_cur < (rlim_t)EXTRA_FD + 2 * extra + 16) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	snprintf(path, sizeof(path), "%s/why", dir);
	why = fopen(path, "w");

	pair_at(SOCK_STREAM, 10, 21);
	sz = 50000;
	setsockopt(10, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	sz = 60000;
	setsockopt(10, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	b.sndbuf = get_int(10, SO_SNDBUF);
	b.rcvbuf = get_int(10, SO_RCVBUF);
	fcntl(10, F_SETFL, O_NONBLOCK);
	at(dup(10), 20);
	pair_at(SOCK_SEQPACKET, 11, 22);
	tv = (struct timeval){ 1, 500000 };
	setsockopt(11, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	tv = (struct timeval){ 2, 500000 };
	setsockopt(11, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	pair_at(SOCK_DGRAM, 12, 13);

	snprintf(b.lpath, sizeof(b.lpath), "%s/l.sock", dir);
	listener_at(b.lpath, 0, 7, 14);
	chmod(b.lpath, 0640);
	sz = 1;
	setsockopt(14, SOL_SOCKET, SO_PASSCRED, &sz, sizeof(sz));
	addr(&b.l, b.lpath, 0);
	b.llen = offsetof(struct sockaddr_un, sun_path) + strlen(b.lpath) + 1;
	snprintf(b.aname, sizeof(b.aname), "cr-unix-%d", getpid());
	listener_at(b.aname, 1, 3, 16);
	b.alen = addr(&b.abs, b.aname, 1);

	at(socket(AF_UNIX, SOCK_STREAM, 0), 19);
	made_by_user(&b);
	snprintf(b.dname, sizeof(b.dname), "cr-unix-D%d", getpid());
	snprintf(b.sname, sizeof(b.sname), "cr-unix-S%d", getpid());
	b.dlen = addr(&b.d, b.dname, 1);
	b.slen = addr(&b.s, b.sname, 1);
	at(socket(AF_UNIX, SOCK_DGRAM, 0), 27);
	at(socket(AF_UNIX, SOCK_DGRAM, 0), 28);
	if (bind(27, (struct sockaddr *)&b.d, b.dlen) ||
	    bind(28, (struct sockaddr *)&b.s, b.slen))
		die("bind");
	options_26_27();

	c = fork();
	if (c < 0)
		die("fork");
	if (!c) {
		for (int fd = 11; fd <= 28; fd++)
			if (fd != 14 && fd != 21 && fd != 22)
				close(fd);
		child();
	}
	close(21);
	close(22);
	for (int i = 0; i < extra; i++)
		pair_at(SOCK_STREAM, EXTRA_FD + 2 * i, EXTRA_FD + 2 * i + 1);
	queue_r(extra, &b);
	while (!exists("c-ready"))
		nap();
	f = open_new("info");
	if (!f)
		die("info");
	fprintf(f, "r=%d c=%d\n", getpid(), c);
	publish(f, "info");
	for (;;) {
		if (exists("verify")) {
			verify(c, extra, &b);
			snprintf(path, sizeof(path), "%s/verify", dir);
			unlink(path);
		}
		nap();
	}
}
