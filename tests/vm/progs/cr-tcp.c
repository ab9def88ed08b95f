/*
 * cr-tcp DIR: TCP and UDP sockets for checkpoint/restore scenarios (the
 * loopback up). The root R and its child C hold, at fixed fd numbers:
 *   10  R: a TCP listener on 127.0.0.1:7010 (SO_REUSEADDR, backlog 9,
 *       TCP_DEFER_ACCEPT 3 s)
 *   11  R: a TCP listener on [::]:7011 (IPV6_V6ONLY, SO_REUSEPORT,
 *       O_NONBLOCK, FD_CLOEXEC)
 *   12  R: the connection C made to 10 (TCP_NODELAY, SO_KEEPALIVE with
 *       TCP_KEEPIDLE 61, TCP_KEEPINTVL 7, TCP_KEEPCNT 4, SO_RCVTIMEO
 *       1.5 s, SO_SNDTIMEO 2.5 s, SO_SNDBUF/SO_RCVBUF set); C holds its
 *       end at 20. Each writes a numbered byte stream to the other until
 *       the connection takes no more (megabytes), none read.
 *   13, 14  R: a connection to [::1]:7011 and its accepted end, streams
 *       queued both ways the same way (O_NONBLOCK on 13).
 *   15  R: UDP bound to 127.0.0.1:7015; 16: UDP connected to it.
 *   17  R: UDP bound to [::1]:7017 (IPV6_V6ONLY), SO_BROADCAST on 15.
 *   18  R: a TCP listener on [fd00::9]:7040, an address the scenario
 *       gives the loopback in the first kernel only; 19: a connection to
 *       it, 21: its accepted end. Restored where the address is gone,
 *       the connection is dropped: both ends closed, reading ECONNABORTED
 *       once, then ENOTCONN; the listener stays.
 *   22  R: a TCP listener on 127.0.0.1:7012 bound to lo (SO_BINDTODEVICE),
 *       IP_TRANSPARENT, TCP_FASTOPEN 3 with a TCP_FASTOPEN_KEY of its own.
 *   23  R: UDP on [::1]:7019 bound to lo, IPV6_TRANSPARENT, UDP_CORK on
 *       with nothing corked.
 *   26  R: an IPv6 connection [fd00::15]:7034 -> [fd00::77]:7033 to
 *       another machine (none answers: made in repair mode, on the
 *       card's fd00::/64), SO_MARK 5. Restore runs before the network:
 *       IPv6 has no route to the peer then, and the connection must be
 *       made all the same (not dropped), its own mark back.
 * Carried options: TCP_FASTOPEN 5 on 10, TCP_CORK on 11, TCP_CONGESTION
 * reno on 12; of the rest (fds/inet_more.c's table), SO_LINGER 9 s and
 * IP_RECVERR on 10, TCP_LINGER2 30, TCP_SYNCNT 3, IP_RECVTOS on 12,
 * IPV6_RECVTCLASS and TCP_THIN_LINEAR_TIMEOUTS on 13, IP_PKTINFO,
 * IP_MULTICAST_TTL 7 and SO_TIMESTAMPNS on 15, IPV6_RECVPKTINFO and
 * UDP_SEGMENT 1200 on 17 (each checked not to reach a socket that did
 * not set it). Buffer sizes: set on 12 only (SO_SNDBUF, SO_RCVBUF), which
 * locks them against the kernel's autotuning; every other socket's are
 * the kernel's (pfncheck's SOCKLOCKS reads the locks), 13's no larger
 * than tcp_wmem allows autotuning (restore forced its buffers to write
 * its queues back), 10's and 15's as a new socket's.
 * DIR/info holds "r=R c=C" once set up. When DIR/verify appears, R checks
 * its sockets: every queued byte once and in order on each connection,
 * then a request answered on each, options and flags as set, no socket
 * left in repair mode, new connections to both listeners, UDP request
 * and response; C does the same for its end (DIR/verify-c, DIR/result-c).
 * C then sends "c-ok" past its stream, which R reads. Then each queues
 * as much again for the next checkpoint, and R writes
 * DIR/result: "pid=R conn=1 v6=1 opts=1 flags=1 repair=1 accept=1 udp=1
 * c=1 gone=1 far=1 dropped=D queued=BYTES" (1: as set up; the first
 * failure of each in DIR/why; gone: 18, 19, 21 as they should be;
 * far: 26; dropped: 1 once 19 and 21 were dropped, 0 while they work).
 *
 * cr-tcp DIR refuse: a netlink (NETLINK_ROUTE), a packet and a raw ICMP
 * socket at 10, 11, 12; a listener on 127.0.0.1:7020 at 13 with a
 * connection not accepted (its client at 14); UDP on 127.0.0.1:7021 at
 * 15 with a datagram queued; a connection at 16 whose other end closed
 * (CLOSE_WAIT); a connection at 17 with urgent data queued to read (its
 * client at 18), one at 19 shut for reading (SHUT_RD, its other end at
 * 20), a listener with an eBPF socket filter at 21, a listener with a
 * TCP_MD5SIG key at 22, UDP at 23 joined to 224.1.2.3 on eth0, UDP at 24
 * with a classic socket filter, UDP at 25 (127.0.0.1:7029) holding a
 * corked datagram (UDP_CORK), UDP at 26 (127.0.0.1:7031) sending
 * through an interface index (IP_UNICAST_IF), UDP at 27 (127.0.0.1:7032)
 * with SO_TIMESTAMPING's OPT_ID counter. Touches DIR/ready and waits.
 *
 * cr-tcp DIR echo: listens on 0.0.0.0:7030 (the port QEMU forwards from
 * the client outside the guest) and answers each line with itself, one
 * connection at a time; DIR/echo-verify asks for DIR/echo-result:
 * "answered=N conns=C bad=B" (bad: a connection ended, a short send);
 * once DIR/echo-stop exists it answers "bye" instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "quickreboot/pfncheck_abi.h"

#ifndef TCP_REPAIR
#define TCP_REPAIR 19
#endif
#define QUEUE_MAX (4u << 20)

static const char *dir;
static FILE *why;
/* 22's own TCP_FASTOPEN_KEY. */
static const uint8_t tfo_key[16] = "cr-tcp tfo key!";

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

static void seti(int fd, int level, int opt, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)))
		die("setsockopt");
}

static int geti(int fd, int level, int opt)
{
	int v = -7;
	socklen_t l = sizeof(v);

	getsockopt(fd, level, opt, &v, &l);
	return v;
}

/* fd's buffer locks as pfncheck reads them (PFNCHECK_SOCKLOCK_*), -1 if
 * it cannot. The module loaded if no one did (restore loads it only to
 * set locks). */
static int locks(int fd)
{
	struct pfncheck_socklocks q = { .fd = fd };
	int dev, rc = -1;

	if (access(PFNCHECK_DEVICE, F_OK) && system("modprobe pfncheck"))
		return -1;
	dev = open(PFNCHECK_DEVICE, O_RDWR | O_CLOEXEC);

	if (dev >= 0 && !ioctl(dev, PFNCHECK_IOC_SOCKLOCKS, &q))
		rc = q.locks;
	if (dev >= 0)
		close(dev);
	return rc;
}

/* SO_SNDBUF (or SO_RCVBUF) of a new socket of this type. */
static int fresh_buf(int family, int type, int opt)
{
	int t = socket(family, type, 0), v = geti(t, SOL_SOCKET, opt);

	close(t);
	return v;
}

/* The largest send buffer TCP autotuning gives: tcp_wmem's third here,
 * or 4 MiB, the most any kernel takes by default (the value was carried
 * from the kernel before, which may allow more than this one). Restore
 * forces at least twice the queue it writes back. */
static int wmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "r");
	int a = 0, b = 0, c = 0;

	if (f) {
		if (fscanf(f, "%d %d %d", &a, &b, &c) != 3)
			c = 0;
		fclose(f);
	}
	return c > (4 << 20) ? c : 4 << 20;
}

static socklen_t addr(struct sockaddr_storage *ss, int v6, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &a->sin6_addr);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	return sizeof(*a);
}

static int sock_at(int v6, int type, const char *ip, int port, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(&ss, v6, ip, port);
	int s = socket(v6 ? AF_INET6 : AF_INET, type, 0);

	if (s < 0)
		die("socket");
	seti(s, SOL_SOCKET, SO_REUSEADDR, 1);
	if (v6)
		seti(s, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (ip && bind(s, (struct sockaddr *)&ss, len))
		die("bind");
	if (fd >= 0)
		at(s, fd);
	return fd >= 0 ? fd : s;
}

static int connect_to(int v6, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(&ss, v6, ip, port);
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&ss, len))
		die("connect");
	return s;
}

static int accept_wait(int l)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		return -1;
	return accept(l, NULL, NULL);
}

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 251);
}

/* Writes the numbered stream from *off on until fd takes no more (or
 * QUEUE_MAX): how much. */
static uint64_t fill(int fd, uint64_t *off)
{
	static uint8_t buf[65536];
	uint64_t done = 0;
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (done < QUEUE_MAX) {
		ssize_t w;

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(*off + i);
		w = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);
		if (w <= 0)
			break;
		*off += w;
		done += w;
	}
	fcntl(fd, F_SETFL, fl);
	return done;
}

/* Reads the stream up to `to`, checking every byte; then nothing more
 * is waiting. 1 if so. */
static int drain(int fd, uint64_t *off, uint64_t to, const char *what)
{
	static uint8_t buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (*off < to) {
		uint64_t want = to - *off;
		ssize_t n;

		/* Generous: a restored queue comes by retransmission, whose
		 * timer backs off on a loaded emulated machine. */
		if (poll(&p, 1, 30000) != 1)
			return ok(0, "%s: byte %llu of %llu: nothing within 30 s",
				  what, (unsigned long long)*off,
				  (unsigned long long)to);
		n = recv(fd, buf, want < sizeof(buf) ? want : sizeof(buf),
			 MSG_DONTWAIT);
		if (n <= 0)
			return ok(0, "%s: recv at byte %llu: %zd %s", what,
				  (unsigned long long)*off, n, strerror(errno));
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(*off + i))
				return ok(0, "%s: byte %llu differs", what,
					  (unsigned long long)(*off + i));
		*off += n;
	}
	return ok(poll(&p, 1, 300) == 0, "%s: more than %llu bytes", what,
		  (unsigned long long)to);
}

/* A request on a, answered on b, and back. */
static int talk(int a, int b, const char *what)
{
	char buf[16];
	struct pollfd p = { .fd = b, .events = POLLIN };

	if (send(a, "req-1", 5, MSG_NOSIGNAL) != 5 || poll(&p, 1, 10000) != 1 ||
	    recv(b, buf, sizeof(buf), 0) != 5 || memcmp(buf, "req-1", 5))
		return ok(0, "%s: request lost", what);
	p.fd = a;
	if (send(b, "resp1", 5, MSG_NOSIGNAL) != 5 || poll(&p, 1, 10000) != 1 ||
	    recv(a, buf, sizeof(buf), 0) != 5 || memcmp(buf, "resp1", 5))
		return ok(0, "%s: response lost", what);
	return 1;
}

static int exists(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void put(const char *name, const char *text)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die(tmp);
	fputs(text, f);
	fclose(f);
	rename(tmp, path);
}

static unsigned long long get_num(const char *name)
{
	char path[4096];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void nap(void)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };

	nanosleep(&t, NULL);
}

static void rm(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* One direction's stream: written by one end, read by the other. */
struct stream {
	uint64_t wrote, read;
};

/* ---- the child: its end of 12 at 20 ---- */

static void child(void)
{
	struct stream cs = { 0 };	/* C -> R */
	uint64_t r_read = 0;		/* R -> C, as C read it */
	char num[32];

	snprintf(num, sizeof(num), "%llu\n",
		 (unsigned long long)fill(20, &cs.wrote));
	put("c-wrote", num);
	put("c-ready", "1\n");
	for (;;) {
		if (exists("verify-c")) {
			uint64_t r_wrote = get_num("verify-c");
			int good;

			rm("verify-c");
			good = drain(20, &r_read, r_wrote, "C reads R's stream");
			/* Past the queued stream: the connection goes on. */
			good = good && ok(send(20, "c-ok", 4, MSG_NOSIGNAL) == 4,
					  "C: send after the stream");
			good = good && ok(geti(20, IPPROTO_TCP, TCP_REPAIR) == 0,
					  "C: repair mode left on");
			good = good && ok(geti(20, IPPROTO_TCP, TCP_KEEPIDLE) == 44,
					  "C: TCP_KEEPIDLE %d", geti(20, IPPROTO_TCP, TCP_KEEPIDLE));
			/* The next checkpoint's: as much again. */
			fill(20, &cs.wrote);
			snprintf(num, sizeof(num), "%llu\n", (unsigned long long)cs.wrote);
			put("c-wrote", num);
			put("result-c", good ? "1\n" : "0\n");
		}
		nap();
	}
}

/* ---- R ---- */

struct state {
	pid_t c;
	struct stream rc, cr;		/* R -> C, C -> R on 12 */
	struct stream v6a, v6b;		/* 13 -> 14, 14 -> 13 */
	int sndbuf, rcvbuf;
	int dropped;			/* 19 and 21 seen dropped */
};

/* SO_BINDTODEVICE of fd is dev. */
static int device_is(int fd, const char *dev)
{
	char d[16] = "";
	socklen_t l = sizeof(d);

	getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, d, &l);
	return ok(!strcmp(d, dev), "%d SO_BINDTODEVICE '%s'", fd, d);
}

/* Device, transparency, fast open key, UDP_CORK; the buffer locks. */
static int more_opts_kept(void)
{
	uint8_t key[32] = { 0 };
	socklen_t kl = sizeof(key);
	int good = 1, w = wmem_max();

	good &= device_is(22, "lo") & device_is(23, "lo") & device_is(10, "");
	good &= ok(geti(22, IPPROTO_IP, IP_TRANSPARENT) == 1, "22 IP_TRANSPARENT");
	good &= ok(geti(23, IPPROTO_IPV6, IPV6_TRANSPARENT) == 1, "23 IPV6_TRANSPARENT");
	good &= ok(geti(10, IPPROTO_IP, IP_TRANSPARENT) == 0, "10 IP_TRANSPARENT");
	good &= ok(geti(13, IPPROTO_IPV6, IPV6_TRANSPARENT) == 0, "13 IPV6_TRANSPARENT");
	good &= ok(geti(12, IPPROTO_IP, IP_FREEBIND) == 0, "12 IP_FREEBIND");
	good &= ok(geti(22, IPPROTO_TCP, TCP_FASTOPEN) == 3, "22 TCP_FASTOPEN");
	getsockopt(22, IPPROTO_TCP, TCP_FASTOPEN_KEY, key, &kl);
	good &= ok(kl == 16 && !memcmp(key, tfo_key, 16), "22 TCP_FASTOPEN_KEY of %u bytes",
		   (unsigned int)kl);
	kl = sizeof(key);
	getsockopt(10, IPPROTO_TCP, TCP_FASTOPEN_KEY, key, &kl);
	good &= ok(kl == 0, "10 TCP_FASTOPEN_KEY of %u bytes", (unsigned int)kl);
	good &= ok(geti(23, IPPROTO_UDP, UDP_CORK) == 1, "23 UDP_CORK");
	good &= ok(geti(15, IPPROTO_UDP, UDP_CORK) == 0, "15 UDP_CORK");
	good &= ok(geti(10, IPPROTO_IP, IP_RECVERR) == 1, "10 IP_RECVERR");
	good &= ok(geti(12, IPPROTO_IP, IP_RECVERR) == 0, "12 IP_RECVERR");
	good &= ok(geti(12, IPPROTO_TCP, TCP_LINGER2) == 30, "12 TCP_LINGER2 %d",
		   geti(12, IPPROTO_TCP, TCP_LINGER2));
	good &= ok(geti(12, IPPROTO_TCP, TCP_SYNCNT) == 3, "12 TCP_SYNCNT");
	good &= ok(geti(12, IPPROTO_IP, IP_RECVTOS) == 1, "12 IP_RECVTOS");
	good &= ok(geti(13, IPPROTO_IPV6, IPV6_RECVTCLASS) == 1, "13 IPV6_RECVTCLASS");
	good &= ok(geti(14, IPPROTO_IPV6, IPV6_RECVTCLASS) == 0, "14 IPV6_RECVTCLASS");
	good &= ok(geti(13, IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS) == 1,
		   "13 TCP_THIN_LINEAR_TIMEOUTS");
	good &= ok(geti(15, IPPROTO_IP, IP_PKTINFO) == 1, "15 IP_PKTINFO");
	good &= ok(geti(16, IPPROTO_IP, IP_PKTINFO) == 0, "16 IP_PKTINFO");
	good &= ok(geti(15, IPPROTO_IP, IP_MULTICAST_TTL) == 7, "15 IP_MULTICAST_TTL");
	good &= ok(geti(15, SOL_SOCKET, SO_TIMESTAMPNS) == 1, "15 SO_TIMESTAMPNS");
	good &= ok(geti(17, IPPROTO_IPV6, IPV6_RECVPKTINFO) == 1, "17 IPV6_RECVPKTINFO");
	good &= ok(geti(17, IPPROTO_UDP, UDP_SEGMENT) == 1200, "17 UDP_SEGMENT");
	{
		struct linger lg = { 0 };
		socklen_t ll = sizeof(lg);

		getsockopt(10, SOL_SOCKET, SO_LINGER, &lg, &ll);
		good &= ok(lg.l_onoff == 1 && lg.l_linger == 9, "10 SO_LINGER %d %d",
			   lg.l_onoff, lg.l_linger);
		ll = sizeof(lg);
		getsockopt(12, SOL_SOCKET, SO_LINGER, &lg, &ll);
		good &= ok(lg.l_onoff == 0, "12 SO_LINGER on");
	}
	good &= ok(locks(12) == PFNCHECK_SOCKLOCKS, "12 buffer locks %d", locks(12));
	for (int fd = 10; fd <= 15; fd++)
		if (fd != 12)
			good &= ok(locks(fd) == 0, "%d buffer locks %d", fd, locks(fd));
	good &= ok(geti(13, SOL_SOCKET, SO_SNDBUF) <= w, "13 SO_SNDBUF %d above %d",
		   geti(13, SOL_SOCKET, SO_SNDBUF), w);
	good &= ok(geti(10, SOL_SOCKET, SO_SNDBUF) ==
		   fresh_buf(AF_INET, SOCK_STREAM, SO_SNDBUF), "10 SO_SNDBUF %d",
		   geti(10, SOL_SOCKET, SO_SNDBUF));
	good &= ok(geti(15, SOL_SOCKET, SO_RCVBUF) ==
		   fresh_buf(AF_INET, SOCK_DGRAM, SO_RCVBUF), "15 SO_RCVBUF %d",
		   geti(15, SOL_SOCKET, SO_RCVBUF));
	return good;
}

static int opts_kept(const struct state *s)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);
	int good = 1;

	good &= ok(geti(10, SOL_SOCKET, SO_ACCEPTCONN) == 1, "10 not listening");
	good &= ok(geti(10, SOL_SOCKET, SO_REUSEADDR) == 1, "10 SO_REUSEADDR");
	good &= ok(geti(10, IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0, "10 TCP_DEFER_ACCEPT %d",
		   geti(10, IPPROTO_TCP, TCP_DEFER_ACCEPT));
	good &= ok(geti(11, SOL_SOCKET, SO_ACCEPTCONN) == 1, "11 not listening");
	good &= ok(geti(11, IPPROTO_IPV6, IPV6_V6ONLY) == 1, "11 IPV6_V6ONLY");
	good &= ok(geti(11, SOL_SOCKET, SO_REUSEPORT) == 1, "11 SO_REUSEPORT");
	good &= ok(geti(12, IPPROTO_TCP, TCP_NODELAY) == 1, "12 TCP_NODELAY");
	good &= ok(geti(12, SOL_SOCKET, SO_KEEPALIVE) == 1, "12 SO_KEEPALIVE");
	good &= ok(geti(12, IPPROTO_TCP, TCP_KEEPIDLE) == 61, "12 TCP_KEEPIDLE");
	good &= ok(geti(12, IPPROTO_TCP, TCP_KEEPINTVL) == 7, "12 TCP_KEEPINTVL");
	good &= ok(geti(12, IPPROTO_TCP, TCP_KEEPCNT) == 4, "12 TCP_KEEPCNT");
	good &= ok(geti(12, SOL_SOCKET, SO_SNDBUF) == s->sndbuf, "12 SO_SNDBUF %d, was %d",
		   geti(12, SOL_SOCKET, SO_SNDBUF), s->sndbuf);
	good &= ok(geti(12, SOL_SOCKET, SO_RCVBUF) == s->rcvbuf, "12 SO_RCVBUF %d, was %d",
		   geti(12, SOL_SOCKET, SO_RCVBUF), s->rcvbuf);
	getsockopt(12, SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
	good &= ok(tv.tv_sec == 1 && tv.tv_usec == 500000, "12 SO_RCVTIMEO");
	getsockopt(12, SOL_SOCKET, SO_SNDTIMEO, &tv, &l);
	good &= ok(tv.tv_sec == 2 && tv.tv_usec == 500000, "12 SO_SNDTIMEO");
	good &= ok(geti(10, IPPROTO_TCP, TCP_FASTOPEN) == 5, "10 TCP_FASTOPEN %d",
		   geti(10, IPPROTO_TCP, TCP_FASTOPEN));
	good &= ok(geti(11, IPPROTO_TCP, TCP_CORK) == 1, "11 TCP_CORK");
	{
		char cc[16] = "";
		socklen_t cl = sizeof(cc) - 1;

		getsockopt(12, IPPROTO_TCP, TCP_CONGESTION, cc, &cl);
		good &= ok(!strcmp(cc, "reno"), "12 TCP_CONGESTION %s", cc);
	}
	good &= ok(geti(15, SOL_SOCKET, SO_BROADCAST) == 1, "15 SO_BROADCAST");
	good &= ok(geti(17, IPPROTO_IPV6, IPV6_V6ONLY) == 1, "17 IPV6_V6ONLY");
	return good & more_opts_kept();
}

static int flags_kept(void)
{
	int good = 1;

	good &= ok(!(fcntl(10, F_GETFL) & O_NONBLOCK), "10 O_NONBLOCK");
	good &= ok(fcntl(11, F_GETFL) & O_NONBLOCK, "11 not O_NONBLOCK");
	good &= ok(fcntl(11, F_GETFD) & FD_CLOEXEC, "11 not FD_CLOEXEC");
	good &= ok(!(fcntl(12, F_GETFD) & FD_CLOEXEC), "12 FD_CLOEXEC");
	good &= ok(fcntl(13, F_GETFL) & O_NONBLOCK, "13 not O_NONBLOCK");
	good &= ok(!(fcntl(14, F_GETFL) & O_NONBLOCK), "14 O_NONBLOCK");
	return good;
}

/* New connections to both listeners, each with a request. */
static int accepts(void)
{
	int c = connect_to(0, "127.0.0.1", 7010), a, good = 1;

	/* TCP_DEFER_ACCEPT: ready once data came. */
	send(c, "n", 1, 0);
	a = accept_wait(10);
	good &= ok(a >= 0, "no new connection on 10");
	if (a >= 0) {
		char b;

		good &= ok(recv(a, &b, 1, 0) == 1 && b == 'n', "10: new data");
		good &= talk(c, a, "new connection on 10");
		close(a);
	}
	close(c);
	c = connect_to(0, "127.0.0.1", 7012);
	a = accept_wait(22);
	good &= ok(a >= 0, "no new connection on 22");
	if (a >= 0) {
		good &= talk(c, a, "new connection on 22");
		close(a);
	}
	close(c);
	c = connect_to(1, "::1", 7011);
	a = accept_wait(11);
	good &= ok(a >= 0, "no new connection on 11");
	if (a >= 0) {
		fcntl(a, F_SETFL, 0);
		seti(a, IPPROTO_TCP, TCP_CORK, 0);	/* 11's, inherited */
		good &= talk(c, a, "new connection on 11");
		close(a);
	}
	close(c);
	return good;
}

static int udp(void)
{
	struct sockaddr_storage from, to;
	socklen_t fl = sizeof(from), tl = addr(&to, 1, "::1", 7017);
	char b[16];
	struct pollfd p = { .fd = 15, .events = POLLIN };
	int good, t;

	good = ok(send(16, "ureq", 4, 0) == 4, "16: send") &&
	       ok(poll(&p, 1, 10000) == 1, "15: no request") &&
	       ok(recvfrom(15, b, sizeof(b), 0, (struct sockaddr *)&from, &fl) == 4 &&
		  !memcmp(b, "ureq", 4), "15: request") &&
	       ok(sendto(15, "uresp", 5, 0, (struct sockaddr *)&from, fl) == 5, "15: answer");
	p.fd = 16;
	good = good && ok(poll(&p, 1, 10000) == 1 && recv(16, b, sizeof(b), 0) == 5 &&
			  !memcmp(b, "uresp", 5), "16: no answer");
	t = socket(AF_INET6, SOCK_DGRAM, 0);
	p.fd = 17;
	good = good && ok(sendto(t, "six", 3, 0, (struct sockaddr *)&to, tl) == 3 &&
			  poll(&p, 1, 10000) == 1 && recv(17, b, sizeof(b), 0) == 3,
			  "17: datagram to [::1]:7017 lost");
	close(t);
	return good;
}

static uint64_t queue_all(struct state *s)
{
	uint64_t q = fill(12, &s->rc.wrote);

	q += fill(13, &s->v6a.wrote);
	q += fill(14, &s->v6b.wrote);
	return q;
}

/* 18 listens; 19 <-> 21 works, or both were dropped: closed, reading
 * ECONNABORTED the first time they are seen so, ENOTCONN after. */
static int gone(struct state *s)
{
	struct tcp_info ti[2];
	socklen_t l = sizeof(ti[0]);
	int good = ok(geti(18, SOL_SOCKET, SO_ACCEPTCONN) == 1, "18 not listening");
	char b;

	getsockopt(19, IPPROTO_TCP, TCP_INFO, &ti[0], &l);
	l = sizeof(ti[1]);
	getsockopt(21, IPPROTO_TCP, TCP_INFO, &ti[1], &l);
	if (ti[0].tcpi_state == TCP_ESTABLISHED && !s->dropped)
		return good && talk(19, 21, "19 <-> 21");
	good &= ok(ti[0].tcpi_state == TCP_CLOSE && ti[1].tcpi_state == TCP_CLOSE,
		   "19, 21 in states %d, %d", ti[0].tcpi_state, ti[1].tcpi_state);
	for (int fd = 19; fd <= 21; fd += 2) {
		int want = s->dropped ? ENOTCONN : ECONNABORTED;

		errno = 0;
		good &= ok(recv(fd, &b, 1, MSG_DONTWAIT) == -1 && errno == want,
			   "%d: reads %s, not %s", fd, strerror(errno), strerror(want));
	}
	s->dropped = 1;
	return good;
}

/* 26: made, to its peer, with its own mark, out of repair mode. */
static int far(void)
{
	struct sockaddr_in6 p;
	socklen_t l = sizeof(p);
	struct tcp_info ti = { 0 };
	socklen_t tl = sizeof(ti);
	char a[INET6_ADDRSTRLEN] = "";

	getsockopt(26, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	if (getpeername(26, (struct sockaddr *)&p, &l))
		return ok(0, "26: no peer: %s", strerror(errno));
	inet_ntop(AF_INET6, &p.sin6_addr, a, sizeof(a));
	return ok(ti.tcpi_state == TCP_ESTABLISHED, "26 in state %d", ti.tcpi_state) &
	       ok(!strcmp(a, "fd00::77") && ntohs(p.sin6_port) == 7033,
		  "26: peer [%s]:%u", a, ntohs(p.sin6_port)) &
	       ok(geti(26, SOL_SOCKET, SO_MARK) == 5, "26 SO_MARK %d",
		  geti(26, SOL_SOCKET, SO_MARK)) &
	       ok(geti(26, IPPROTO_TCP, TCP_REPAIR) == 0, "26: repair mode left on");
}

/* 26 as a connection to a machine that never answers: made in repair
 * mode (no SYN), on the card's fd00::/64 (cr-tcp's; not faults'). */
static void far_make(void)
{
	struct sockaddr_storage a, p;
	socklen_t al = addr(&a, 1, "fd00::15", 7034), pl = addr(&p, 1, "fd00::77", 7033);
	struct tcp_repair_opt mss = { TCPOPT_MAXSEG, 1400 };
	int s = socket(AF_INET6, SOCK_STREAM, 0);

	if (s < 0)
		die("socket 26");
	seti(s, IPPROTO_IPV6, IPV6_FREEBIND, 1);
	seti(s, IPPROTO_TCP, TCP_REPAIR, 1);
	if (bind(s, (struct sockaddr *)&a, al))
		die("bind 26");
	seti(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
	seti(s, IPPROTO_TCP, TCP_QUEUE_SEQ, 1000);
	seti(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE);
	seti(s, IPPROTO_TCP, TCP_QUEUE_SEQ, 5000);
	if (connect(s, (struct sockaddr *)&p, pl)) {
		/* No card, no fd00::/64 (faults' guest): 26 stays unused,
		 * and far=0 says so. */
		if (errno != ENETUNREACH)
			die("connect 26");
		close(s);
		return;
	}
	if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_OPTIONS, &mss, sizeof(mss)))
		die("TCP_REPAIR_OPTIONS 26");
	seti(s, IPPROTO_TCP, TCP_REPAIR, 0);
	seti(s, IPPROTO_IPV6, IPV6_FREEBIND, 0);
	seti(s, SOL_SOCKET, SO_MARK, 5);
	at(s, 26);
}

static void verify(struct state *s)
{
	int conn, v6, repair, g, c = 0;
	char line[512];
	uint64_t q;

	conn = drain(12, &s->cr.read, get_num("c-wrote"), "R reads C's stream");
	rm("result-c");
	snprintf(line, sizeof(line), "%llu\n", (unsigned long long)s->rc.wrote);
	put("verify-c", line);
	for (int i = 0; i < 1200 && !exists("result-c"); i++)
		nap();
	c = get_num("result-c") == 1;
	if (conn) {
		char b[4];
		struct pollfd p = { .fd = 12, .events = POLLIN };

		conn = ok(poll(&p, 1, 10000) == 1 && recv(12, b, 4, MSG_WAITALL) == 4 &&
			  !memcmp(b, "c-ok", 4), "12: C's word after the stream");
	}
	v6 = drain(14, &s->v6a.read, s->v6a.wrote, "13 -> 14") &&
	     drain(13, &s->v6b.read, s->v6b.wrote, "14 -> 13") &&
	     talk(13, 14, "13 <-> 14");
	repair = 1;
	for (int fd = 12; fd <= 14; fd++)
		repair &= ok(geti(fd, IPPROTO_TCP, TCP_REPAIR) == 0,
			     "%d: repair mode left on", fd);
	snprintf(line, sizeof(line),
		 "pid=%d conn=%d v6=%d opts=%d flags=%d repair=%d accept=%d udp=%d c=%d",
		 getpid(), conn, v6, opts_kept(s), flags_kept(), repair,
		 accepts(), udp(), c);
	g = gone(s);	/* before s->dropped is read */
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
		 " gone=%d far=%d dropped=%d", g, far(), s->dropped);
	q = queue_all(s);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), " queued=%llu\n",
		 (unsigned long long)q + get_num("c-wrote") - s->cr.read);
	put("result", line);
}

/* An eBPF socket filter that keeps every packet. */
static int bpf_accept_all(void)
{
	struct bpf_insn insn[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insn_cnt = 2,
		.insns = (uintptr_t)insn, .license = (uintptr_t)"GPL",
	};

	return syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}

static void refuse(void)
{
	int s, a;

	at(socket(AF_NETLINK, SOCK_RAW, 0), 10);
	at(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), 11);
	at(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), 12);
	sock_at(0, SOCK_STREAM, "127.0.0.1", 7020, 13);
	if (listen(13, 4))
		die("listen");
	at(connect_to(0, "127.0.0.1", 7020), 14);
	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7021, 15);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	{
		struct sockaddr_storage ss;
		socklen_t len = addr(&ss, 0, "127.0.0.1", 7021);

		sendto(s, "abc", 3, 0, (struct sockaddr *)&ss, len);
	}
	close(s);
	s = sock_at(0, SOCK_STREAM, "127.0.0.1", 7022, -1);
	if (listen(s, 1))
		die("listen");
	at(connect_to(0, "127.0.0.1", 7022), 16);
	a = accept_wait(s);
	close(a);
	close(s);
	/* 17: urgent data queued (from 18); 19: SHUT_RD (20 the other end). */
	s = sock_at(0, SOCK_STREAM, "127.0.0.1", 7023, -1);
	if (listen(s, 2))
		die("listen");
	at(connect_to(0, "127.0.0.1", 7023), 18);
	at(accept_wait(s), 17);
	close(s);
	if (send(18, "!", 1, MSG_OOB) != 1)
		die("MSG_OOB");
	{
		struct pollfd p = { .fd = 17, .events = POLLPRI };

		poll(&p, 1, 10000);
	}
	s = sock_at(0, SOCK_STREAM, "127.0.0.1", 7025, -1);
	if (listen(s, 2))
		die("listen");
	at(connect_to(0, "127.0.0.1", 7025), 19);
	at(accept_wait(s), 20);
	close(s);
	shutdown(19, SHUT_RD);
	/* 21: an eBPF filter; 22: a TCP_MD5SIG key. */
	sock_at(0, SOCK_STREAM, "127.0.0.1", 7028, 21);
	if (listen(21, 2))
		die("listen");
	{
		int prog = bpf_accept_all();

		if (prog < 0 || setsockopt(21, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)))
			die("SO_ATTACH_BPF");
	}
	sock_at(0, SOCK_STREAM, "127.0.0.1", 7024, 22);
	if (listen(22, 2))
		die("listen");
	{
		struct tcp_md5sig m = { .tcpm_keylen = 4 };
		struct sockaddr_in *p = (struct sockaddr_in *)&m.tcpm_addr;

		p->sin_family = AF_INET;
		inet_pton(AF_INET, "127.0.0.2", &p->sin_addr);
		memcpy(m.tcpm_key, "abcd", 4);
		if (setsockopt(22, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof(m)))
			die("TCP_MD5SIG");
	}
	/* 23: a multicast member on eth0; 24: a classic filter. */
	sock_at(0, SOCK_DGRAM, "0.0.0.0", 7026, 23);
	{
		struct ip_mreqn m = { .imr_ifindex = if_nametoindex("eth0") };

		inet_pton(AF_INET, "224.1.2.3", &m.imr_multiaddr);
		if (setsockopt(23, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)))
			die("IP_ADD_MEMBERSHIP");
	}
	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7027, 24);
	{
		struct sock_filter all = BPF_STMT(BPF_RET | BPF_K, 0xffff);
		struct sock_fprog f = { 1, &all };

		if (setsockopt(24, SOL_SOCKET, SO_ATTACH_FILTER, &f, sizeof(f)))
			die("SO_ATTACH_FILTER");
	}
	/* 25: a datagram corked, not sent. */
	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7029, 25);
	seti(25, IPPROTO_UDP, UDP_CORK, 1);
	{
		struct sockaddr_storage ss;
		socklen_t len = addr(&ss, 0, "127.0.0.1", 9);

		if (sendto(25, "abc", 3, 0, (struct sockaddr *)&ss, len) != 3)
			die("corked sendto");
	}
	/* 26: through an interface index; 27: a timestamp counter. */
	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7031, 26);
	seti(26, IPPROTO_IP, IP_UNICAST_IF, htonl(if_nametoindex("lo")));
	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7032, 27);
	seti(27, SOL_SOCKET, SO_TIMESTAMPING,
	     SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_SOFTWARE);
	put("ready", "1\n");
	for (;;)
		pause();
}

/* cr-tcp DIR echo: the server of the client outside the guest. */
static void echo(void)
{
	unsigned long answered = 0, conns = 0, bad = 0;
	char buf[256], line[128];
	size_t have = 0;
	int l = sock_at(0, SOCK_STREAM, "0.0.0.0", 7030, 10), c = -1;

	if (listen(l, 4))
		die("listen 7030");
	put("echo-ready", "1\n");
	for (;;) {
		struct pollfd p = { .fd = c >= 0 ? c : l, .events = POLLIN };
		ssize_t n;

		if (exists("echo-verify")) {
			rm("echo-verify");
			snprintf(line, sizeof(line), "answered=%lu conns=%lu bad=%lu\n",
				 answered, conns, bad);
			put("echo-result", line);
		}
		if (poll(&p, 1, 100) != 1)
			continue;
		if (c < 0) {
			c = accept(l, NULL, NULL);
			conns += c >= 0;
			have = 0;
			continue;
		}
		n = recv(c, buf + have, sizeof(buf) - 1 - have, 0);
		if (n <= 0) {
			close(c);
			c = -1;
			bad++;
			continue;
		}
		have += n;
		for (char *nl; (nl = memchr(buf, '\n', have));) {
			size_t len = nl - buf + 1;

			/* Asked to stop: the client ends on "bye". */
			if (exists("echo-stop") &&
			    send(c, "bye\n", 4, MSG_NOSIGNAL) != 4)
				bad++;
			else if (!exists("echo-stop") &&
				 send(c, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
				bad++;
			answered++;
			memmove(buf, buf + len, have - len);
			have -= len;
		}
		if (have == sizeof(buf) - 1)
			have = 0, bad++;
	}
}

int main(int argc, char **argv)
{
	struct state s = { 0 };
	struct timeval tv;
	char path[4096];
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: cr-tcp DIR [refuse]\n");
		return 2;
	}
	dir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	if (argc > 2 && !strcmp(argv[2], "echo"))
		echo();
	if (argc > 2)
		refuse();
	snprintf(path, sizeof(path), "%s/why", dir);
	why = fopen(path, "w");

	sock_at(0, SOCK_STREAM, "127.0.0.1", 7010, 10);
	if (listen(10, 9))
		die("listen 10");
	seti(10, IPPROTO_TCP, TCP_DEFER_ACCEPT, 3);
	sock_at(1, SOCK_STREAM, "::", 7011, 11);
	seti(11, SOL_SOCKET, SO_REUSEPORT, 1);
	if (listen(11, 5))
		die("listen 11");
	fcntl(11, F_SETFL, O_NONBLOCK);
	fcntl(11, F_SETFD, FD_CLOEXEC);
	seti(10, IPPROTO_TCP, TCP_FASTOPEN, 5);

	fd = connect_to(0, "127.0.0.1", 7010);
	send(fd, "h", 1, 0);	/* deferred accept */
	at(accept_wait(10), 12);
	{
		char b;

		if (recv(12, &b, 1, 0) != 1)
			die("recv");
	}
	seti(12, IPPROTO_TCP, TCP_NODELAY, 1);
	seti(12, SOL_SOCKET, SO_KEEPALIVE, 1);
	seti(12, IPPROTO_TCP, TCP_KEEPIDLE, 61);
	seti(12, IPPROTO_TCP, TCP_KEEPINTVL, 7);
	seti(12, IPPROTO_TCP, TCP_KEEPCNT, 4);
	if (setsockopt(12, IPPROTO_TCP, TCP_CONGESTION, "reno", 4))
		die("TCP_CONGESTION");
	seti(12, SOL_SOCKET, SO_SNDBUF, 400000);
	seti(12, SOL_SOCKET, SO_RCVBUF, 300000);
	s.sndbuf = geti(12, SOL_SOCKET, SO_SNDBUF);
	s.rcvbuf = geti(12, SOL_SOCKET, SO_RCVBUF);
	tv = (struct timeval){ 1, 500000 };
	setsockopt(12, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	tv = (struct timeval){ 2, 500000 };
	setsockopt(12, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	at(fd, 20);
	seti(20, SOL_SOCKET, SO_KEEPALIVE, 1);
	seti(20, IPPROTO_TCP, TCP_KEEPIDLE, 44);

	at(connect_to(1, "::1", 7011), 13);
	at(accept_wait(11), 14);
	fcntl(14, F_SETFL, 0);
	/* After 14, which would inherit it. */
	seti(11, IPPROTO_TCP, TCP_CORK, 1);
	fcntl(13, F_SETFL, O_NONBLOCK);

	sock_at(0, SOCK_DGRAM, "127.0.0.1", 7015, 15);
	seti(15, SOL_SOCKET, SO_BROADCAST, 1);
	at(socket(AF_INET, SOCK_DGRAM, 0), 16);
	{
		struct sockaddr_storage ss;
		socklen_t len = addr(&ss, 0, "127.0.0.1", 7015);

		if (connect(16, (struct sockaddr *)&ss, len))
			die("connect 16");
	}
	sock_at(1, SOCK_DGRAM, "::1", 7017, 17);
	sock_at(1, SOCK_STREAM, "fd00::9", 7040, 18);
	if (listen(18, 2))
		die("listen 18");
	at(connect_to(1, "fd00::9", 7040), 19);
	at(accept_wait(18), 21);
	sock_at(0, SOCK_STREAM, "127.0.0.1", 7012, 22);
	if (setsockopt(22, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2))
		die("SO_BINDTODEVICE");
	seti(22, IPPROTO_IP, IP_TRANSPARENT, 1);
	if (listen(22, 3))
		die("listen 22");
	seti(22, IPPROTO_TCP, TCP_FASTOPEN, 3);
	if (setsockopt(22, IPPROTO_TCP, TCP_FASTOPEN_KEY, tfo_key, sizeof(tfo_key)))
		die("TCP_FASTOPEN_KEY");
	sock_at(1, SOCK_DGRAM, "::1", 7019, 23);
	if (setsockopt(23, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2))
		die("SO_BINDTODEVICE");
	seti(23, IPPROTO_IPV6, IPV6_TRANSPARENT, 1);
	seti(23, IPPROTO_UDP, UDP_CORK, 1);
	far_make();
	/* Options of fds/inet_more.c's table, 12 accepted before. */
	if (setsockopt(10, SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 9 },
		       sizeof(struct linger)))
		die("SO_LINGER");
	seti(10, IPPROTO_IP, IP_RECVERR, 1);
	seti(12, IPPROTO_TCP, TCP_LINGER2, 30);
	seti(12, IPPROTO_TCP, TCP_SYNCNT, 3);
	seti(12, IPPROTO_IP, IP_RECVTOS, 1);
	seti(13, IPPROTO_IPV6, IPV6_RECVTCLASS, 1);
	seti(13, IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, 1);
	seti(15, IPPROTO_IP, IP_PKTINFO, 1);
	seti(15, IPPROTO_IP, IP_MULTICAST_TTL, 7);
	seti(15, SOL_SOCKET, SO_TIMESTAMPNS, 1);
	seti(17, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	seti(17, IPPROTO_UDP, UDP_SEGMENT, 1200);

	s.c = fork();
	if (s.c < 0)
		die("fork");
	if (!s.c) {
		for (fd = 10; fd <= 26; fd++)
			if (fd != 20)
				close(fd);
		child();
	}
	close(20);
	queue_all(&s);
	while (!exists("c-ready"))
		nap();
	snprintf(path, sizeof(path), "r=%d c=%d\n", getpid(), s.c);
	put("info", path);
	for (;;) {
		if (exists("verify")) {
			rm("verify");
			verify(&s);
		}
		nap();
	}
}
