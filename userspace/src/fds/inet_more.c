/* See inet_more.h. An option is carried when the process made it other
 * than a new socket of the same family and protocol has it (read once
 * per kind and run); restore sets only those. Options the kernel does
 * not know (an older one) read as unset, and fail by name at restore
 * only if the process had set them where the New kernel lacks them. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/inet_more.h"
#include "fds/sockopt.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif
#ifndef SO_TXREHASH
#define SO_TXREHASH 74
#endif
#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif
#ifndef IP_RECVERR_RFC4884
#define IP_RECVERR_RFC4884 26
#endif
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif
#ifndef IPV6_RECVERR_RFC4884
#define IPV6_RECVERR_RFC4884 31
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif
#ifndef IPV6_ADDR_PREFERENCES
#define IPV6_ADDR_PREFERENCES 72
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif
#ifndef IPV6_RECVFRAGSIZE
#define IPV6_RECVFRAGSIZE 77
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE 34
#endif
#ifndef TCP_TX_DELAY
#define TCP_TX_DELAY 37
#endif
#ifndef SOF_TIMESTAMPING_OPT_ID
#define SOF_TIMESTAMPING_OPT_ID (1 << 7)
#endif
#ifndef TCP_AO_INFO
#define TCP_AO_INFO 40
#endif

#define V4	0x1	/* an AF_INET socket's */
#define V6	0x2	/* an AF_INET6 socket's */
#define TCP	0x4
#define UDP	0x8
#define ANY	(V4 | V6 | TCP | UDP)
#define UNCONN	0x10	/* read only if not connected: used by connect() */

struct opt {
	int level, opt;
	const char *name;
	unsigned int kinds;
};

#define O(l, o, k) { l, o, #o, k }

/* Appended to only: the index is the image's. */
static const struct opt table[] = {
	O(SOL_SOCKET, SO_OOBINLINE, ANY),
	O(SOL_SOCKET, SO_RCVLOWAT, ANY),
	O(SOL_SOCKET, SO_DONTROUTE, ANY),
	O(SOL_SOCKET, SO_TIMESTAMP, ANY),
	O(SOL_SOCKET, SO_TIMESTAMPNS, ANY),
	O(SOL_SOCKET, SO_TIMESTAMPING, ANY),
	O(SOL_SOCKET, SO_RXQ_OVFL, ANY),
	O(SOL_SOCKET, SO_WIFI_STATUS, ANY),
	O(SOL_SOCKET, SO_SELECT_ERR_QUEUE, ANY),
	O(SOL_SOCKET, SO_BUSY_POLL, ANY),
	O(SOL_SOCKET, SO_PREFER_BUSY_POLL, ANY),
	O(SOL_SOCKET, SO_BUSY_POLL_BUDGET, ANY),
	O(SOL_SOCKET, SO_MAX_PACING_RATE, ANY),
	O(SOL_SOCKET, SO_ZEROCOPY, ANY),
	O(SOL_SOCKET, SO_TXREHASH, ANY),
	O(SOL_SOCKET, SO_RCVMARK, ANY),
	O(SOL_SOCKET, SO_PEEK_OFF, ANY),
	O(SOL_SOCKET, SO_NO_CHECK, V4 | V6 | UDP),
	O(IPPROTO_IP, IP_RECVERR, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_PKTINFO, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVTTL, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVTOS, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVOPTS, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RETOPTS, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_MTU_DISCOVER, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_MULTICAST_TTL, V4 | UDP),
	O(IPPROTO_IP, IP_MULTICAST_LOOP, V4 | UDP),
	O(IPPROTO_IP, IP_MULTICAST_ALL, V4 | UDP),
	O(IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, V4 | V6 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVORIGDSTADDR, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_CHECKSUM, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_MINTTL, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVFRAGSIZE, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_RECVERR_RFC4884, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_PASSSEC, V4 | TCP | UDP),
	O(IPPROTO_IP, IP_LOCAL_PORT_RANGE, V4 | V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVPKTINFO, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVHOPOPTS, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVRTHDR, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVDSTOPTS, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVTCLASS, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVPATHMTU, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVERR, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVERR_RFC4884, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_RECVFRAGSIZE, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_2292PKTINFO, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_2292HOPLIMIT, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_2292HOPOPTS, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_2292RTHDR, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_2292DSTOPTS, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_MTU_DISCOVER, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, V6 | UDP),
	O(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, V6 | UDP),
	O(IPPROTO_IPV6, IPV6_MULTICAST_ALL, V6 | UDP),
	O(IPPROTO_IPV6, IPV6_DONTFRAG, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_FLOWINFO_SEND, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_ADDR_PREFERENCES, V6 | TCP | UDP),
	O(IPPROTO_IPV6, IPV6_MINHOPCOUNT, V6 | TCP | UDP),
	O(IPPROTO_TCP, TCP_SYNCNT, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_LINGER2, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_NOTSENT_LOWAT, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_SAVE_SYN, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_FASTOPEN_CONNECT, V4 | V6 | TCP | UNCONN),
	O(IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_INQ, V4 | V6 | TCP),
	O(IPPROTO_TCP, TCP_TX_DELAY, V4 | V6 | TCP),
	O(IPPROTO_UDP, UDP_SEGMENT, V4 | V6 | UDP),
	O(IPPROTO_UDP, UDP_GRO, V4 | V6 | UDP),
	O(IPPROTO_UDP, UDP_NO_CHECK6_TX, V6 | UDP),
	O(IPPROTO_UDP, UDP_NO_CHECK6_RX, V6 | UDP),
};

#define NOPTS (sizeof(table) / sizeof(table[0]))
_Static_assert(NOPTS <= QR_INET_MORE, "the image's room for options");

static unsigned int kind_of(uint8_t family, bool tcp)
{
	return (family == AF_INET6 ? V6 : V4) | (tcp ? TCP : UDP);
}

static bool applies(const struct opt *o, unsigned int kind)
{
	return (o->kinds & kind) == (kind & ~UNCONN);
}

/* o of s, or QR_INET_MORE_UNSET if this kernel does not know it. */
static int read_opt(int s, const struct opt *o, int32_t *v)
{
	if (!qr_sockopt_get(s, o->level, o->opt, v))
		return 0;
	if (errno == ENOPROTOOPT || errno == EOPNOTSUPP || errno == EINVAL) {
		*v = QR_INET_MORE_UNSET;
		return 0;
	}
	return -1;
}

/* What a new socket of this kind reads: once per kind and run. */
static const int32_t *defaults(uint8_t family, bool tcp)
{
	static int32_t d[4][NOPTS];
	static bool done[4];
	unsigned int k = (family == AF_INET6) * 2 + tcp;
	int s;

	if (done[k])
		return d[k];
	s = socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (s < 0)
		return NULL;
	for (size_t i = 0; i < NOPTS; i++)
		if (!applies(&table[i], kind_of(family, tcp)) ||
		    read_opt(s, &table[i], &d[k][i]))
			d[k][i] = QR_INET_MORE_UNSET;
	close(s);
	done[k] = true;
	return d[k];
}

int qr_inet_more_get(int s, uint8_t family, bool tcp, bool connected,
		     int32_t *more, const char **what)
{
	const int32_t *d = defaults(family, tcp);
	unsigned int kind = kind_of(family, tcp);

	*what = "a new socket's options";
	if (!d)
		return -1;
	for (size_t i = 0; i < QR_INET_MORE; i++)
		more[i] = QR_INET_MORE_UNSET;
	for (size_t i = 0; i < NOPTS; i++) {
		*what = table[i].name;
		if (!applies(&table[i], kind) ||
		    (connected && table[i].kinds & UNCONN))
			continue;
		if (read_opt(s, &table[i], &more[i]))
			return -1;
		if (more[i] == d[i])
			more[i] = QR_INET_MORE_UNSET;
	}
	return 0;
}

bool qr_inet_more_valid(const int32_t *more)
{
	for (size_t i = NOPTS; i < QR_INET_MORE; i++)
		if (more[i] != QR_INET_MORE_UNSET)
			return false;
	return true;
}

int qr_inet_more_set(int s, uint8_t family, bool tcp, const int32_t *more,
		     const char **what)
{
	unsigned int kind = kind_of(family, tcp);
	int32_t v;

	for (size_t i = 0; i < QR_INET_MORE; i++) {
		if (more[i] == QR_INET_MORE_UNSET)
			continue;
		*what = i < NOPTS ? table[i].name : "an option this restore does not know";
		if (i >= NOPTS || !applies(&table[i], kind)) {
			errno = EINVAL;
			return -1;
		}
		/* Already so (a listener's, inherited): left as it is. */
		if (!qr_sockopt_get(s, table[i].level, table[i].opt, &v) &&
		    v == more[i])
			continue;
		if (qr_sockopt_set(s, table[i].level, table[i].opt, more[i]))
			return -1;
	}
	return 0;
}

/* An option of bytes (IP_OPTIONS, IPv6 sticky headers) holds some. */
static bool has_bytes(int s, int level, int opt)
{
	char buf[256];
	socklen_t len = sizeof(buf);

	return !getsockopt(s, level, opt, buf, &len) && len > 0;
}

const char *qr_inet_more_refused(int s, uint8_t family, bool tcp, char *buf,
				 size_t size)
{
	bool v6 = family == AF_INET6;
	char ulp[16] = "";
	socklen_t len = sizeof(ulp) - 1;
	int32_t v;

	/* By index: the New kernel may number its interfaces otherwise. */
	if (!qr_sockopt_get(s, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
			    v6 ? IPV6_UNICAST_IF : IP_UNICAST_IF, &v) && v)
		return v6 ? "IPV6_UNICAST_IF (an interface index)" :
			    "IP_UNICAST_IF (an interface index)";
	/* UDP's only: TCP's multicast options are the SYN's (accepted). */
	if (!tcp && v6 && !qr_sockopt_get(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &v) && v)
		return "IPV6_MULTICAST_IF (an interface index)";
	if (!tcp && !v6) {
		struct ip_mreqn m = { 0 };
		socklen_t ml = sizeof(m);

		if (!getsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &m, &ml) &&
		    (m.imr_ifindex || m.imr_address.s_addr || m.imr_multiaddr.s_addr))
			return "IP_MULTICAST_IF";
	}
	if (!v6 && has_bytes(s, IPPROTO_IP, IP_OPTIONS))
		return "IP options of its own (IP_OPTIONS)";
	if (v6 && (has_bytes(s, IPPROTO_IPV6, IPV6_HOPOPTS) ||
		   has_bytes(s, IPPROTO_IPV6, IPV6_RTHDR) ||
		   has_bytes(s, IPPROTO_IPV6, IPV6_DSTOPTS) ||
		   has_bytes(s, IPPROTO_IPV6, IPV6_RTHDRDSTOPTS)))
		return "IPv6 extension headers of its own (IPV6_HOPOPTS, IPV6_RTHDR, IPV6_DSTOPTS)";
	if (!qr_sockopt_get(s, SOL_SOCKET, SO_TIMESTAMPING, &v) &&
	    v & SOF_TIMESTAMPING_OPT_ID)
		return "SO_TIMESTAMPING with OPT_ID (its counter cannot be read)";
	if (!tcp) {
		if (!qr_sockopt_get(s, IPPROTO_UDP, UDP_ENCAP, &v) && v) {
			snprintf(buf, size, "an encapsulation socket (UDP_ENCAP %d)", v);
			return buf;
		}
		return NULL;
	}
	if (!getsockopt(s, IPPROTO_TCP, TCP_ULP, ulp, &len) && ulp[0]) {
		snprintf(buf, size, "an upper layer protocol (TCP_ULP %s)", ulp);
		return buf;
	}
	/* TCP-AO (6.7 on; older kernels do not know it): its keys cannot
	 * be read back, as TCP_MD5SIG's. ENOENT: none. */
	{
		uint64_t ao[6] = { 0 };	/* struct tcp_ao_info_opt, in: 0 */

		len = sizeof(ao);
		if (!getsockopt(s, IPPROTO_TCP, TCP_AO_INFO, ao, &len))
			return "TCP-AO keys (TCP_AO_INFO), which cannot be read back";
	}
	return NULL;
}
