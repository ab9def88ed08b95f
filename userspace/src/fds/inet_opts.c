/* TCP and UDP sockets' options, which socket an inode is, and what an fd
 * no kind carries is (inet.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <linux/sockios.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "fds/dupfd.h"
#include "fds/fdstate.h"
#include "fds/inet.h"
#include "fds/sockopt.h"

/* TCP_FASTOPEN_KEY of s into o: a socket reads its own key (and backup
 * key), not the system's, which is the New kernel's own there. */
static int fastopen_key(int s, struct qr_inet_opts *o)
{
	socklen_t len = sizeof(o->fastopen_key);

	if (getsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_KEY, o->fastopen_key, &len))
		return -1;
	o->fastopen_key_len = len;
	return 0;
}

/* Connected or listening: past its connect(). */
static bool connected(int s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int32_t acc = 0;

	return !getpeername(s, (struct sockaddr *)&ss, &len) ||
	       (!qr_sockopt_get(s, SOL_SOCKET, SO_ACCEPTCONN, &acc) && acc);
}

int qr_inet_opts_get(int s, uint8_t family, bool tcp, struct qr_inet_opts *o)
{
	bool v6 = family == AF_INET6;
	struct linger lg;
	const char *what;
	uint32_t locks;
	int32_t v;
	socklen_t len;

	memset(o, 0xff, sizeof(*o));
	o->rcvtimeo_us = o->sndtimeo_us = 0;
	memset(o->congestion, 0, sizeof(o->congestion));
	memset(o->bindtodevice, 0, sizeof(o->bindtodevice));
	memset(o->fastopen_key, 0, sizeof(o->fastopen_key));
	o->fastopen_key_len = o->udp_cork = o->pad = 0;
	o->pad2 = 0;
	len = sizeof(lg);
	if (getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len) ||
	    qr_inet_more_get(s, family, tcp, connected(s), o->more, &what))
		return -1;
	o->linger = lg.l_onoff ? lg.l_linger : -1;
	if (qr_sockopt_get(s, SOL_SOCKET, SO_REUSEADDR, &o->reuseaddr) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_REUSEPORT, &o->reuseport) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_KEEPALIVE, &o->keepalive) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_BROADCAST, &o->broadcast) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_SNDBUF, &o->sndbuf) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_PRIORITY, &o->priority) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_MARK, &o->mark) ||
	    qr_sockopt_get_time(s, SO_RCVTIMEO, &o->rcvtimeo_us) ||
	    qr_sockopt_get_time(s, SO_SNDTIMEO, &o->sndtimeo_us))
		return -1;
	/* Whether the process set the sizes: they are set again only then. */
	if (qr_socklocks(s, false, &locks))
		return -1;
	o->buflocks = locks;
	/* IFNAMSIZ: the kernel wants room for any name, its NUL included. */
	len = sizeof(o->bindtodevice);
	if (getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, o->bindtodevice, &len))
		return -1;
	if (v6 ? qr_sockopt_get(s, IPPROTO_IPV6, IPV6_V6ONLY, &o->v6only) ||
		 qr_sockopt_get(s, IPPROTO_IPV6, IPV6_TCLASS, &o->tos) ||
		 qr_sockopt_get(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &o->ttl) :
		 qr_sockopt_get(s, IPPROTO_IP, IP_TOS, &o->tos) ||
		 qr_sockopt_get(s, IPPROTO_IP, IP_TTL, &o->ttl))
		return -1;
	/* One flag each in both families (IPV6_FREEBIND, IPV6_TRANSPARENT). */
	if (qr_sockopt_get(s, IPPROTO_IP, IP_FREEBIND, &o->freebind) ||
	    qr_sockopt_get(s, IPPROTO_IP, IP_TRANSPARENT, &o->transparent))
		return -1;
	if (!tcp) {
		if (qr_sockopt_get(s, IPPROTO_UDP, UDP_CORK, &v))
			return -1;
		o->udp_cork = !!v;
		return 0;
	}
	len = sizeof(o->congestion) - 1;
	if (getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, o->congestion, &len) ||
	    fastopen_key(s, o))
		return -1;
	return qr_sockopt_get(s, IPPROTO_TCP, TCP_CORK, &o->cork) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_FASTOPEN, &o->fastopen) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_NODELAY, &o->nodelay) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_KEEPIDLE, &o->keepidle) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_KEEPINTVL, &o->keepintvl) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_KEEPCNT, &o->keepcnt) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, &o->defer_accept) ||
	       qr_sockopt_get(s, IPPROTO_TCP, TCP_USER_TIMEOUT, &o->user_timeout) ? -1 : 0;
}

int qr_inet_opts_set_early(int s, uint8_t family, const struct qr_inet_opts *o)
{
	return qr_sockopt_set(s, SOL_SOCKET, SO_REUSEADDR, o->reuseaddr) ||
	       qr_sockopt_set(s, SOL_SOCKET, SO_REUSEPORT, o->reuseport) ||
	       qr_sockopt_set(s, IPPROTO_IP, IP_FREEBIND, o->freebind) ||
	       (family == AF_INET6 &&
		qr_sockopt_set(s, IPPROTO_IPV6, IPV6_V6ONLY, o->v6only)) ? -1 : 0;
}

/* The buffer sizes the process set (a size set locks it against the
 * kernel's autotuning: one it did not set stays the kernel's); forced:
 * both, and the locks made as they were. */
static int buffers(int s, bool forced, const struct qr_inet_opts *o)
{
	uint32_t locks = o->buflocks;

	/* SO_SNDBUF/SO_RCVBUF read twice what was set. */
	if (((forced || locks & PFNCHECK_SOCKLOCK_SNDBUF) &&
	     qr_sockopt_set(s, SOL_SOCKET, SO_SNDBUFFORCE, o->sndbuf / 2)) ||
	    ((forced || locks & PFNCHECK_SOCKLOCK_RCVBUF) &&
	     qr_sockopt_set(s, SOL_SOCKET, SO_RCVBUFFORCE, o->rcvbuf / 2)))
		return -1;
	if (forced && locks != PFNCHECK_SOCKLOCKS &&
	    qr_socklocks(s, true, &locks))
		return -1;
	if (locks != o->buflocks) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int qr_inet_opts_set(int s, uint8_t family, bool tcp, bool forced,
		     const struct qr_inet_opts *o, char *what)
{
	bool v6 = family == AF_INET6;
	const char *name;

	snprintf(what, 64, "SO_SNDBUF, SO_RCVBUF");
	if (buffers(s, forced, o))
		return -1;
	snprintf(what, 64, "SO_LINGER");
	if (o->linger >= 0 &&
	    setsockopt(s, SOL_SOCKET, SO_LINGER,
		       &(struct linger){ 1, o->linger }, sizeof(struct linger)))
		return -1;
	if (qr_inet_more_set(s, family, tcp, o->more, &name)) {
		snprintf(what, 64, "%s", name);
		return -1;
	}
	snprintf(what, 64, "options");
	if (qr_sockopt_set(s, SOL_SOCKET, SO_KEEPALIVE, o->keepalive) ||
	    qr_sockopt_set(s, SOL_SOCKET, SO_BROADCAST, o->broadcast) ||
	    qr_sockopt_set(s, SOL_SOCKET, SO_PRIORITY, o->priority) ||
	    (o->mark && qr_sockopt_set(s, SOL_SOCKET, SO_MARK, o->mark)) ||
	    qr_sockopt_set_time(s, SO_RCVTIMEO, o->rcvtimeo_us) ||
	    qr_sockopt_set_time(s, SO_SNDTIMEO, o->sndtimeo_us))
		return -1;
	if (v6 ? qr_sockopt_set(s, IPPROTO_IPV6, IPV6_TCLASS, o->tos) ||
		 qr_sockopt_set(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o->ttl) :
		 qr_sockopt_set(s, IPPROTO_IP, IP_TOS, o->tos) ||
		 qr_sockopt_set(s, IPPROTO_IP, IP_TTL, o->ttl))
		return -1;
	/* By name: the New kernel may number its interfaces otherwise. */
	snprintf(what, 64, "its device %s (SO_BINDTODEVICE)", o->bindtodevice);
	if (o->bindtodevice[0] &&
	    setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, o->bindtodevice,
		       strlen(o->bindtodevice)))
		return -1;
	snprintf(what, 64, "options");
	if (!tcp)
		return o->udp_cork && qr_sockopt_set(s, IPPROTO_UDP, UDP_CORK, 1) ? -1 : 0;
	/* A listener's fast open queue; an accepted socket reads its
	 * listener's, and takes none. By name: the New kernel loads it. */
	if ((o->fastopen > 0 &&
	     qr_sockopt_set(s, IPPROTO_TCP, TCP_FASTOPEN, o->fastopen) &&
	     errno != EINVAL) ||
	    setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, o->congestion,
		       strlen(o->congestion)))
		return -1;
	snprintf(what, 64, "TCP_FASTOPEN_KEY");
	if (o->fastopen_key_len &&
	    setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_KEY, o->fastopen_key,
		       o->fastopen_key_len))
		return -1;
	snprintf(what, 64, "options");
	return qr_sockopt_set(s, IPPROTO_TCP, TCP_CORK, o->cork) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_NODELAY, o->nodelay) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_KEEPIDLE, o->keepidle) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_KEEPINTVL, o->keepintvl) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_KEEPCNT, o->keepcnt) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, o->defer_accept) ||
	       qr_sockopt_set(s, IPPROTO_TCP, TCP_USER_TIMEOUT, o->user_timeout) ? -1 : 0;
}

/* Whether socket s is in our network namespace (SIOCGSKNS). */
static bool our_netns(int s)
{
	struct stat a, b;
	int ns = ioctl(s, SIOCGSKNS);
	bool yes;

	if (ns < 0)
		return false;
	yes = !fstat(ns, &a) && !stat("/proc/self/ns/net", &b) &&
	      a.st_ino == b.st_ino && a.st_dev == b.st_dev;
	close(ns);
	return yes;
}

bool qr_inet_is(pid_t pid, int fd, int proto)
{
	int s = qr_fd_dup(pid, fd), dom = -1, p = -1, type = -1;
	bool yes;

	if (s < 0)
		return false;
	yes = !qr_sockopt_get(s, SOL_SOCKET, SO_DOMAIN, &dom) &&
	      (dom == AF_INET || dom == AF_INET6) &&
	      !qr_sockopt_get(s, SOL_SOCKET, SO_PROTOCOL, &p) && p == proto &&
	      !qr_sockopt_get(s, SOL_SOCKET, SO_TYPE, &type) &&
	      type == (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) &&
	      our_netns(s);
	close(s);
	return yes;
}

static const char *netlink_proto(int p)
{
	static const char *const names[] = {
		[NETLINK_ROUTE] = "NETLINK_ROUTE",
		[NETLINK_USERSOCK] = "NETLINK_USERSOCK",
		[NETLINK_FIREWALL] = "NETLINK_FIREWALL",
		[NETLINK_SOCK_DIAG] = "NETLINK_SOCK_DIAG",
		[NETLINK_NFLOG] = "NETLINK_NFLOG",
		[NETLINK_XFRM] = "NETLINK_XFRM",
		[NETLINK_SELINUX] = "NETLINK_SELINUX",
		[NETLINK_ISCSI] = "NETLINK_ISCSI",
		[NETLINK_AUDIT] = "NETLINK_AUDIT",
		[NETLINK_FIB_LOOKUP] = "NETLINK_FIB_LOOKUP",
		[NETLINK_CONNECTOR] = "NETLINK_CONNECTOR",
		[NETLINK_NETFILTER] = "NETLINK_NETFILTER",
		[NETLINK_IP6_FW] = "NETLINK_IP6_FW",
		[NETLINK_DNRTMSG] = "NETLINK_DNRTMSG",
		[NETLINK_KOBJECT_UEVENT] = "NETLINK_KOBJECT_UEVENT",
		[NETLINK_GENERIC] = "NETLINK_GENERIC",
		[NETLINK_SCSITRANSPORT] = "NETLINK_SCSITRANSPORT",
		[NETLINK_ECRYPTFS] = "NETLINK_ECRYPTFS",
		[NETLINK_RDMA] = "NETLINK_RDMA",
		[NETLINK_CRYPTO] = "NETLINK_CRYPTO",
		[NETLINK_SMC] = "NETLINK_SMC",
	};

	return p >= 0 && p < (int)(sizeof(names) / sizeof(names[0])) && names[p] ?
	       names[p] : NULL;
}

static const char *type_name(int t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "datagram" :
	       t == SOCK_RAW ? "raw" : t == SOCK_SEQPACKET ? "seqpacket" :
	       "other";
}

const char *qr_sock_describe(int pid, int fd, char *buf, size_t size)
{
	int s = qr_fd_dup(pid, fd), dom = -1, type = -1, proto = -1;
	const char *p;

	if (s < 0)
		return NULL;
	if (qr_sockopt_get(s, SOL_SOCKET, SO_DOMAIN, &dom) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_TYPE, &type) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_PROTOCOL, &proto)) {
		close(s);
		return NULL;
	}
	close(s);
	if (dom == AF_NETLINK) {
		p = netlink_proto(proto);
		if (p)
			snprintf(buf, size, "a netlink socket (%s)", p);
		else
			snprintf(buf, size, "a netlink socket (protocol %d)", proto);
	} else if (dom == AF_PACKET) {
		snprintf(buf, size, "a packet socket (%s)", type_name(type));
	} else if ((dom == AF_INET || dom == AF_INET6) && type == SOCK_RAW) {
		snprintf(buf, size, "a raw %s socket (protocol %d)",
			 dom == AF_INET ? "IPv4" : "IPv6", proto);
	} else if ((dom == AF_INET || dom == AF_INET6) &&
		   (proto == IPPROTO_TCP || proto == IPPROTO_UDP)) {
		/* Ours, but /proc/net (our namespace) does not list it. */
		snprintf(buf, size, "an %s %s socket in another network namespace",
			 dom == AF_INET ? "IPv4" : "IPv6",
			 proto == IPPROTO_TCP ? "TCP" : "UDP");
	} else {
		snprintf(buf, size, "a socket of family %d, %s, protocol %d",
			 dom, type_name(type), proto);
	}
	return buf;
}
