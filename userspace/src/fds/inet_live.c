/* See inet_live.h. In the New kernel, restore runs before the network is
 * configured (quickreboot-restore.service: Before=network-pre.target),
 * so that no segment of a kept connection reaches a kernel without it:
 * a segment to an address this system does not have is dropped, never
 * answered with a reset. But then the connection's address is not
 * local and no route leads to its peer, and connect() in repair mode
 * still routes (ip_route_connect). So: the address is taken with
 * IP_TRANSPARENT (route lookups accept a source that is not local:
 * FLOWI_FLAG_ANYSRC), and the connect is made bound to the loopback
 * (SO_BINDTOIFINDEX): with an output device and no route to the peer,
 * the kernel takes the peer to be on that link. Unbound right after,
 * before anything is sent (repair mode sends nothing): the socket's
 * route is looked up again at its next segment, through whatever
 * interface then holds its address; until then its segments find no
 * route and are retried, and the peer's find no address and are
 * dropped. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/inet.h"
#include "fds/inet_route6.h"
#include "fds/sockopt.h"
#include "fds/inet_live.h"

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

int qr_inet_unplaced(int s, uint8_t family)
{
	if (family == AF_INET6)
		return qr_sockopt_set(s, IPPROTO_IPV6, IPV6_FREEBIND, 1) ||
		       qr_sockopt_set(s, IPPROTO_IPV6, IPV6_TRANSPARENT, 1) ? -1 : 0;
	return qr_sockopt_set(s, IPPROTO_IP, IP_FREEBIND, 1) ||
	       qr_sockopt_set(s, IPPROTO_IP, IP_TRANSPARENT, 1) ? -1 : 0;
}

int qr_inet_placed(int s, uint8_t family, const struct qr_inet_opts *o)
{
	/* One flag each for both families: the IPv4 options set them. */
	if (family == AF_INET6 &&
	    (qr_sockopt_set(s, IPPROTO_IPV6, IPV6_FREEBIND, 0) ||
	     qr_sockopt_set(s, IPPROTO_IPV6, IPV6_TRANSPARENT, 0)))
		return -1;
	return qr_sockopt_set(s, IPPROTO_IP, IP_FREEBIND, o->freebind) ||
	       qr_sockopt_set(s, IPPROTO_IP, IP_TRANSPARENT, o->transparent) ? -1 : 0;
}

int qr_inet_loopback(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (s < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		if (!(ifr.ifr_flags & IFF_UP)) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(s, SIOCSIFFLAGS, &ifr))
				goto out;
		}
		if (!ioctl(s, SIOCGIFINDEX, &ifr))
			rc = ifr.ifr_ifindex;
	}
out:
	close(s);
	return rc;
}

int qr_inet_connect_unrouted(int s, const struct sockaddr *peer,
			     socklen_t len, bool remote, const char **what)
{
	int lo = qr_inet_loopback(), e;

	*what = "the loopback";
	if (lo < 0)
		return -1;
	*what = "SO_BINDTOIFINDEX";
	if (qr_sockopt_set(s, SOL_SOCKET, SO_BINDTOIFINDEX, lo))
		return -1;
	*what = "connect";
	if (!connect(s, peer, len)) {
		*what = "SO_BINDTOIFINDEX";
		return qr_sockopt_set(s, SOL_SOCKET, SO_BINDTOIFINDEX, 0);
	}
	e = errno;
	if (qr_sockopt_set(s, SOL_SOCKET, SO_BINDTOIFINDEX, 0)) {
		*what = "SO_BINDTOIFINDEX";
		return -1;
	}
	/* IPv6 has no on-link fallback: the peer made local for the connect. */
	if (remote && peer->sa_family == AF_INET6 && e == ENETUNREACH &&
	    len == sizeof(struct sockaddr_in6))
		return qr_inet6_connect_private(s, (const struct sockaddr_in6 *)peer,
						what);
	errno = e;
	return -1;
}
