/* TCP and UDP sockets (fds/tcp.c, fds/udp.c, fds/inet_*.c): the image
 * data parser against bad input, and a round trip in this process
 * (root: TCP_REPAIR needs CAP_NET_ADMIN): listeners, a loopback
 * connection with data queued each way, UDP sockets captured (every
 * queue left as it was), closed silently (in repair mode, as the Old
 * kernel vanishes), made again by restore's file table. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/inet.h"
#include "fds/kind.h"
#include "fds/netlock.h"
#include "fds/table.h"
#include "test.h"

/* ---- image data ---- */

/* A record's options of inet_more.c's table unset, as a capture that
 * found them as a new socket has them leaves them. */
static void unset_more(struct qr_inet_rec *r)
{
	for (size_t i = 0; i < QR_INET_MORE; i++)
		r->o.more[i] = QR_INET_MORE_UNSET;
}

static int parse_rec(const struct qr_inet_rec *r, const void *tail,
		     size_t tlen, bool tcp)
{
	uint8_t b[sizeof(*r) + 256];
	struct qr_inet_img i;
	struct qr_err e;

	memcpy(b, r, sizeof(*r));
	memcpy(b + sizeof(*r), tail, tlen);
	return qr_inet_img_parse(b, sizeof(*r) + tlen, tcp, &i, &e);
}

TEST(inet_img_parse)
{
	struct qr_inet_rec r = { .family = AF_INET, .state = TCP_LISTEN,
				 .flags = QR_INET_BOUND, .backlog = 5,
				 .o.congestion = "cubic" };
	struct qr_tcp_conn c = { .mss = 1460, .outq_len = 3, .inq_len = 2 };
	uint8_t tail[sizeof(c) + 5];
	struct qr_inet_rec bad, udp;

	unset_more(&r);
	CHECK(parse_rec(&r, "", 0, true) == 0);
	/* An option past the table, a lingering time below -1. */
	bad = r;
	bad.o.more[QR_INET_MORE - 1] = 1;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad = r;
	bad.o.linger = -2;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	/* TCP_CONGESTION: a name, NUL padded; UDP has none. */
	bad = r;
	memset(bad.o.congestion, 0, sizeof(bad.o.congestion));
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	memcpy(bad.o.congestion, "cu/bic", 6);
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	memset(bad.o.congestion, 'a', sizeof(bad.o.congestion));
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	memcpy(bad.o.congestion, "reno\0x", 6);
	CHECK(parse_rec(&bad, "", 0, true) == -1);	/* not NUL padded */
	/* The options beyond: buffer locks, device, transparency, keys. */
	bad = r;
	bad.o.buflocks = 4;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad.o.buflocks = 3;
	CHECK(parse_rec(&bad, "", 0, true) == 0);
	memcpy(bad.o.bindtodevice, "lo", 2);
	CHECK(parse_rec(&bad, "", 0, true) == 0);
	memcpy(bad.o.bindtodevice, "../x", 4);
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	memset(bad.o.bindtodevice, 'e', sizeof(bad.o.bindtodevice));
	CHECK(parse_rec(&bad, "", 0, true) == -1);	/* no NUL */
	bad = r;
	bad.o.transparent = 2;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad = r;
	bad.o.udp_cork = 1;
	CHECK(parse_rec(&bad, "", 0, true) == -1);	/* TCP: no UDP_CORK */
	bad = r;
	bad.o.fastopen_key_len = 16;
	CHECK(parse_rec(&bad, "", 0, true) == 0);
	bad.o.fastopen_key[16] = 1;			/* past its length */
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad.o.fastopen_key_len = 32;
	CHECK(parse_rec(&bad, "", 0, true) == 0);
	bad.o.fastopen_key_len = 24;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	CHECK(parse_rec(&r, "", 0, false) == -1);	/* no UDP listener */
	CHECK(parse_rec(&r, "x", 1, true) == -1);	/* bytes too many */
	bad = r;
	bad.family = AF_UNIX;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad = r;
	bad.flags = 0;		/* a listener is bound */
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad.flags = 0x80;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad = r;
	bad.o.sndbuf = -5;
	CHECK(parse_rec(&bad, "", 0, true) == -1);
	bad = r;
	bad.state = TCP_ESTABLISHED;	/* without a peer */
	CHECK(parse_rec(&bad, "", 0, false) == -1);
	bad.flags |= QR_INET_PEER;
	CHECK(parse_rec(&bad, "", 0, false) == -1);	/* UDP: a TCP option */
	udp = bad;
	memset(udp.o.congestion, 0, sizeof(udp.o.congestion));
	CHECK(parse_rec(&udp, "", 0, false) == 0);	/* UDP connected */
	CHECK(parse_rec(&bad, "", 0, true) == -1);	/* TCP: no conn */
	memcpy(tail, &c, sizeof(c));
	memcpy(tail + sizeof(c), "abcde", 5);
	CHECK(parse_rec(&bad, tail, sizeof(tail), true) == 0);
	CHECK(parse_rec(&bad, tail, sizeof(tail) - 1, true) == -1);
	c.outq_len = UINT32_MAX;	/* wraps with inq_len */
	c.inq_len = 6;
	memcpy(tail, &c, sizeof(c));
	CHECK(parse_rec(&bad, tail, sizeof(tail), true) == -1);
	c.outq_len = 3;
	c.inq_len = 2;
	c.mss = 0;
	memcpy(tail, &c, sizeof(c));
	CHECK(parse_rec(&bad, tail, sizeof(tail), true) == -1);
	c.mss = 1460;
	c.snd_wscale = 15;
	memcpy(tail, &c, sizeof(c));
	CHECK(parse_rec(&bad, tail, sizeof(tail), true) == -1);
	/* Every cut refused, never read past. */
	c.snd_wscale = 7;
	memcpy(tail, &c, sizeof(c));
	for (size_t n = 0; n < sizeof(bad) + sizeof(tail); n++) {
		uint8_t *b = malloc(n + 1);
		struct qr_inet_img i;
		struct qr_err e;

		memcpy(b, &bad, n < sizeof(bad) ? n : sizeof(bad));
		if (n > sizeof(bad))
			memcpy(b + sizeof(bad), tail, n - sizeof(bad));
		CHECK(qr_inet_img_parse(b, n, true, &i, &e) == -1);
		free(b);
	}
}

/* ---- round trip ---- */

#define NFILES 7
#define BIG (3u << 20)

static void capture(const struct qr_fd_kind *k, int fd, uint32_t id,
		    struct qri_file_img *out, struct qr_fd_seen *seen)
{
	struct qr_strbuf data = { 0 };
	struct qri_file f = { .id = id, .kind = k->kind };
	char link[64];
	struct stat st;
	struct qr_fd_capture c = { getpid(), fd, link, &st, &f, &data, false };

	CHECK(fstat(fd, &st) == 0);
	snprintf(link, sizeof(link), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK(qr_fd_kind_match_fd(getpid(), fd, link, &st) == k);
	f.open_flags = fcntl(fd, F_GETFL);
	CHECK(k->capture(&c) == 0);
	CHECK(!data.oom);
	f.data_len = data.len;
	out->f = f;
	out->path = strdup(link);
	out->data = (uint8_t *)data.s;
	*seen = (struct qr_fd_seen){ .pid = getpid(), .fd = fd, .id = id,
				     .kind = k->kind, .object = f.object,
				     .dev = st.st_dev, .ino = st.st_ino };
}

static int geti(int fd, int level, int opt)
{
	int v = -7;
	socklen_t l = sizeof(v);

	getsockopt(fd, level, opt, &v, &l);
	return v;
}

static void seti(int fd, int level, int opt, int v)
{
	CHECK(setsockopt(fd, level, opt, &v, sizeof(v)) == 0);
}

/* Closed as the Old kernel's sockets go: nothing sent. */
static void vanish(int fd)
{
	int on = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on));
	close(fd);
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in6 a;
	socklen_t l = sizeof(a);

	CHECK(getsockname(fd, (struct sockaddr *)&a, &l) == 0);
	return ntohs(a.sin6_port);
}

/* Writes the byte pattern from *off on until the socket takes no more. */
static size_t fill(int fd, size_t *off, size_t max)
{
	static uint8_t buf[65536];
	size_t done = 0;

	while (done < max) {
		size_t n = max - done < sizeof(buf) ? max - done : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)((*off + i) * 7 + (*off + i) / 251);
		w = send(fd, buf, n, MSG_DONTWAIT);
		if (w <= 0)
			break;
		*off += w;
		done += w;
	}
	return done;
}

/* Reads want bytes of the pattern from *off: 0, or -1 at a difference. */
static int drain(int fd, size_t *off, size_t want)
{
	static uint8_t buf[65536];

	while (want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) != 1)
			return -1;
		n = recv(fd, buf, want < sizeof(buf) ? want : sizeof(buf), 0);
		if (n <= 0)
			return -1;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (uint8_t)((*off + i) * 7 + (*off + i) / 251))
				return -1;
		*off += n;
		want -= n;
	}
	return 0;
}

TEST(inet_round_trip)
{
	struct qri_file_img files[NFILES] = { 0 };
	struct qr_fd_seen seen[NFILES];
	struct qr_fd_set set = { seen, NFILES };
	struct qri_image img = { .files = files, .nfiles = NFILES };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t l4 = sizeof(a4);
	int l, l6, cl, sv, u, uc, un, fd[NFILES], on = 1, sndbuf;
	static const uint8_t tfo_key[32] = "a key and a backup key, 32 byte";
	uint8_t key[32];
	socklen_t kl = sizeof(key);
	char dev[16] = "";
	socklen_t dl = sizeof(dev);
	size_t cs = 0, sc = 0, cr = 0, sr = 0, want_c, want_s;
	uint16_t lport, uport;
	struct qr_files t;
	char b[8];

	if (geteuid()) {
		printf("inet_round_trip: not root, skipped\n");
		return;
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	seti(l, SOL_SOCKET, SO_REUSEADDR, 1);
	CHECK(bind(l, (struct sockaddr *)&a4, sizeof(a4)) == 0 && listen(l, 7) == 0);
	seti(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
	/* Bound to lo, transparent, a fast open key of its own. */
	CHECK(setsockopt(l, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2) == 0);
	seti(l, IPPROTO_IP, IP_TRANSPARENT, 1);
	CHECK(setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN_KEY, tfo_key, 32) == 0);
	/* Options of inet_more.c's table, and SO_LINGER. */
	seti(l, IPPROTO_IP, IP_RECVERR, 1);
	CHECK(setsockopt(l, SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 7 },
			 sizeof(struct linger)) == 0);
	lport = port_of(l);
	l6 = socket(AF_INET6, SOCK_STREAM, 0);
	seti(l6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	CHECK(bind(l6, (struct sockaddr *)&a6, sizeof(a6)) == 0 && listen(l6, 3) == 0);
	CHECK(fcntl(l6, F_SETFL, O_NONBLOCK) == 0);
	seti(l6, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 12345);	/* not inherited: none accepted */
	cl = socket(AF_INET, SOCK_STREAM, 0);
	a4.sin_port = htons(lport);
	CHECK(connect(cl, (struct sockaddr *)&a4, sizeof(a4)) == 0);
	CHECK(send(cl, "x", 1, 0) == 1);	/* deferred accept */
	sv = accept(l, NULL, NULL);
	CHECK(sv >= 0 && recv(sv, b, 1, 0) == 1);
	seti(sv, IPPROTO_TCP, TCP_NODELAY, 1);
	seti(cl, SOL_SOCKET, SO_KEEPALIVE, 1);
	seti(cl, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	/* Megabytes each way: the receiver's queue full, the rest in the
	 * sender's. */
	want_c = fill(cl, &cs, BIG);
	want_s = fill(sv, &sc, BIG);
	CHECK(want_c > (1u << 20) && want_s > (1u << 20));
	u = socket(AF_INET6, SOCK_DGRAM, 0);
	a6.sin6_port = 0;
	CHECK(bind(u, (struct sockaddr *)&a6, sizeof(a6)) == 0);
	seti(u, IPPROTO_IPV6, IPV6_TRANSPARENT, 1);
	seti(u, IPPROTO_UDP, UDP_CORK, 1);
	seti(u, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	seti(u, IPPROTO_UDP, UDP_SEGMENT, 1000);
	seti(u, SOL_SOCKET, SO_RCVLOWAT, 3);
	uport = port_of(u);
	uc = socket(AF_INET6, SOCK_DGRAM, 0);
	a6.sin6_port = htons(uport);
	CHECK(connect(uc, (struct sockaddr *)&a6, sizeof(a6)) == 0);
	seti(uc, SOL_SOCKET, SO_BROADCAST, 0);
	un = socket(AF_INET, SOCK_DGRAM, 0);
	seti(un, SOL_SOCKET, SO_BROADCAST, 1);

	sndbuf = geti(sv, SOL_SOCKET, SO_SNDBUF);
	capture(&qr_fd_tcp, sv, 1, &files[0], &seen[0]);	/* before its listener */
	capture(&qr_fd_tcp, l, 2, &files[1], &seen[1]);
	capture(&qr_fd_tcp, l6, 3, &files[2], &seen[2]);
	capture(&qr_fd_tcp, cl, 4, &files[3], &seen[3]);
	capture(&qr_fd_udp, u, 5, &files[4], &seen[4]);
	capture(&qr_fd_udp, uc, 6, &files[5], &seen[5]);
	capture(&qr_fd_udp, un, 7, &files[6], &seen[6]);
	CHECK(qr_fd_tcp.check_set(&set) == 0);
	set.n = 3;		/* the client left out */
	CHECK(qr_fd_tcp.check_set(&set) == 1);
	/* A TCP socket is not UDP's; a UDP one is not TCP's. */
	CHECK(!qr_fd_udp.match_fd(getpid(), l, &(struct stat){ .st_mode = S_IFSOCK }));
	CHECK(!qr_fd_tcp.match_fd(getpid(), u, &(struct stat){ .st_mode = S_IFSOCK }));
	/* Repair mode left, nothing consumed, every kept socket locked
	 * but UDP; unlocked as a failed checkpoint does. */
	CHECK(geti(cl, IPPROTO_TCP, TCP_REPAIR) == 0);
	CHECK(ioctl(cl, FIONREAD, &on) == 0 && (size_t)on > 0);
	CHECK(qr_netlocked(cl) && qr_netlocked(sv) && qr_netlocked(l) &&
	      qr_netlocked(l6) && !qr_netlocked(u));
	CHECK(qr_netunlock((pid_t[]){ getpid() }, 1) == 0);
	CHECK(!qr_netlocked(cl) && !qr_netlocked(sv) && !qr_netlocked(l));
	{
		int ex = socket(AF_INET, SOCK_STREAM, 0);
		struct sock_filter own[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff),
					     BPF_STMT(BPF_RET | BPF_K, 0) };
		struct sock_fprog p = { 2, own };
		const char *why;

		/* A filter of the program's own is neither taken nor removed. */
		CHECK(setsockopt(ex, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p)) == 0);
		CHECK(qr_netlock(ex, true, &why) == -1);
		CHECK(qr_netlock(ex, false, &why) == -1);
		CHECK(qr_netunlock((pid_t[]){ getpid() }, 1) == 0);
		CHECK(getsockopt(ex, SOL_SOCKET, SO_GET_FILTER, NULL,
				 &(socklen_t){ 0 }) == 0);
		{
			socklen_t n = 0;

			CHECK(getsockopt(ex, SOL_SOCKET, SO_GET_FILTER, NULL, &n) == 0 &&
			      n == 2);
		}
		close(ex);
	}

	for (int *p = (int[]){ sv, cl, l, l6, -1 }; *p >= 0; p++)
		vanish(*p);
	close(u);
	close(uc);
	close(un);

	CHECK(qr_files_make(&t, &img) == 0);
	for (int i = 0; i < NFILES; i++)
		fd[i] = t.fd[i];
	/* Every queued byte once, in order, each way, then more. */
	CHECK(drain(fd[3], &cr, sc) == 0);
	CHECK(drain(fd[0], &sr, cs) == 0);
	CHECK(send(fd[3], "yz", 2, 0) == 2 && recv(fd[0], b, 2, 0) == 2 &&
	      !memcmp(b, "yz", 2));
	CHECK(geti(fd[0], IPPROTO_TCP, TCP_NODELAY) == 1);
	CHECK(geti(fd[3], SOL_SOCKET, SO_KEEPALIVE) == 1);
	CHECK(geti(fd[3], IPPROTO_TCP, TCP_KEEPIDLE) == 77);
	CHECK(geti(fd[3], IPPROTO_TCP, TCP_REPAIR) == 0);
	CHECK(geti(fd[1], SOL_SOCKET, SO_ACCEPTCONN) == 1);
	CHECK(geti(fd[1], SOL_SOCKET, SO_REUSEADDR) == 1);
	CHECK(geti(fd[1], IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0);
	CHECK(geti(fd[2], IPPROTO_IPV6, IPV6_V6ONLY) == 1);
	CHECK(fcntl(fd[2], F_GETFL) & O_NONBLOCK);
	CHECK(!(fcntl(fd[1], F_GETFL) & O_NONBLOCK));
	CHECK(getsockopt(fd[1], SOL_SOCKET, SO_BINDTODEVICE, dev, &dl) == 0 &&
	      !strcmp(dev, "lo"));
	CHECK(geti(fd[1], IPPROTO_IP, IP_TRANSPARENT) == 1);
	CHECK(geti(fd[0], IPPROTO_IP, IP_TRANSPARENT) == 1);	/* l's, inherited */
	CHECK(geti(fd[3], IPPROTO_IP, IP_TRANSPARENT) == 0);
	CHECK(getsockopt(fd[1], IPPROTO_TCP, TCP_FASTOPEN_KEY, key, &kl) == 0 &&
	      kl == 32 && !memcmp(key, tfo_key, 32));
	kl = sizeof(key);
	CHECK(getsockopt(fd[0], IPPROTO_TCP, TCP_FASTOPEN_KEY, key, &kl) == 0 &&
	      kl == 0);
	CHECK(geti(fd[4], IPPROTO_IPV6, IPV6_TRANSPARENT) == 1);
	CHECK(geti(fd[4], IPPROTO_UDP, UDP_CORK) == 1);
	CHECK(geti(fd[4], IPPROTO_IPV6, IPV6_RECVPKTINFO) == 1);
	CHECK(geti(fd[4], IPPROTO_UDP, UDP_SEGMENT) == 1000);
	CHECK(geti(fd[4], SOL_SOCKET, SO_RCVLOWAT) == 3);
	CHECK(geti(fd[5], IPPROTO_IPV6, IPV6_RECVPKTINFO) == 0);
	CHECK(geti(fd[1], IPPROTO_IP, IP_RECVERR) == 1);
	CHECK(geti(fd[2], IPPROTO_TCP, TCP_NOTSENT_LOWAT) == 12345);
	CHECK(geti(fd[3], IPPROTO_TCP, TCP_NOTSENT_LOWAT) != 12345);
	{
		struct linger lg = { 0 };
		socklen_t ll = sizeof(lg);

		CHECK(getsockopt(fd[1], SOL_SOCKET, SO_LINGER, &lg, &ll) == 0 &&
		      lg.l_onoff == 1 && lg.l_linger == 7);
		ll = sizeof(lg);
		CHECK(getsockopt(fd[3], SOL_SOCKET, SO_LINGER, &lg, &ll) == 0 &&
		      lg.l_onoff == 0);
	}
	CHECK(geti(fd[5], IPPROTO_UDP, UDP_CORK) == 0);
	/* Forced to write its queues back, its buffer given back as it was
	 * (the kernel's: the locks are the guest tests'). */
	CHECK(geti(fd[0], SOL_SOCKET, SO_SNDBUF) == sndbuf);
	/* The listener takes a new connection on its port. */
	cl = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(cl, (struct sockaddr *)&a4, sizeof(a4)) == 0);
	CHECK(send(cl, "n", 1, 0) == 1);
	sv = accept(fd[1], NULL, NULL);
	CHECK(sv >= 0 && recv(sv, b, 1, 0) == 1 && b[0] == 'n');
	close(sv);
	close(cl);
	/* UDP: the connected one sends to the bound one, which answers. */
	CHECK(send(fd[5], "ping", 4, 0) == 4);
	{
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);

		seti(fd[4], IPPROTO_UDP, UDP_CORK, 0);
		CHECK(recvfrom(fd[4], b, sizeof(b), 0, (struct sockaddr *)&from, &fl) == 4);
		CHECK(sendto(fd[4], "pong", 4, 0, (struct sockaddr *)&from, fl) == 4);
		CHECK(recv(fd[5], b, sizeof(b), 0) == 4 && !memcmp(b, "pong", 4));
	}
	CHECK(port_of(fd[4]) == uport);
	CHECK(geti(fd[6], SOL_SOCKET, SO_BROADCAST) == 1);
	(void)l4;
	qr_files_close(&t);
	for (int i = 0; i < NFILES; i++) {
		free(files[i].path);
		free(files[i].data);
	}
}

/* Queued datagrams are refused, and left queued. */
TEST(udp_refuses_queued)
{
	struct qri_file_img f = { 0 };
	struct qr_fd_seen s;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int u = socket(AF_INET, SOCK_DGRAM, 0), o = socket(AF_INET, SOCK_DGRAM, 0);
	struct qr_strbuf data = { 0 };
	struct qri_file fi = { .id = 1, .kind = QRI_FD_UDP };
	char link[64], b[4];
	struct stat st;
	struct qr_fd_capture c = { getpid(), u, link, &st, &fi, &data, false };

	(void)f;
	(void)s;
	CHECK(bind(u, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(u, (struct sockaddr *)&a, &al) == 0);
	CHECK(sendto(o, "abc", 3, 0, (struct sockaddr *)&a, sizeof(a)) == 3);
	CHECK(fstat(u, &st) == 0);
	snprintf(link, sizeof(link), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK(qr_fd_udp.capture(&c) == -1);
	CHECK(recv(u, b, sizeof(b), MSG_DONTWAIT) == 3);
	free(data.s);
	close(u);
	close(o);
}

/* What no restore could give back is refused: an interface index
 * (IP_UNICAST_IF), a datagram corked, not sent. */
TEST(udp_refuses_uncarried)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int u = socket(AF_INET, SOCK_DGRAM, 0), idx = htonl(1), on = 1;
	struct qri_file fi = { .id = 1, .kind = QRI_FD_UDP };
	struct qr_strbuf data = { 0 };
	char link[64];
	struct stat st;
	struct qr_fd_capture c = { getpid(), u, link, &st, &fi, &data, true };

	CHECK(fstat(u, &st) == 0);
	snprintf(link, sizeof(link), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK(qr_fd_udp.capture(&c) == 0);
	CHECK(setsockopt(u, IPPROTO_IP, IP_UNICAST_IF, &idx, sizeof(idx)) == 0);
	CHECK(qr_fd_udp.capture(&c) == -1);
	idx = 0;
	CHECK(setsockopt(u, IPPROTO_IP, IP_UNICAST_IF, &idx, sizeof(idx)) == 0);
	CHECK(qr_fd_udp.capture(&c) == 0);
	CHECK(setsockopt(u, IPPROTO_UDP, UDP_CORK, &on, sizeof(on)) == 0);
	CHECK(sendto(u, "abc", 3, 0, (struct sockaddr *)&a, sizeof(a)) == 3);
	CHECK(qr_fd_udp.capture(&c) == -1);
	free(data.s);
	close(u);
}
