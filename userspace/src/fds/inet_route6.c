/* See inet_route6.h. IPv6 has no on-link fallback for a socket bound to
 * a device with no route (IPv4's, inet_live.c), and makes a route
 * through the loopback a reject route; it takes a *local* one. So for
 * the connect only: a rule sends the lookups of a private mark to a
 * private table, which holds `local PEER/128 dev lo`; the socket takes
 * the mark, connects (repair mode: nothing is sent), and gives it back;
 * route and rule are removed (a stale one of a killed restore is taken
 * over: created or replaced). Both removals reset the socket's cached
 * route: its next segment is routed as any other's, once the network
 * is there. Through rtnetlink, as ip(8) does. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/inet_live.h"
#include "fds/inet_route6.h"
#include "fds/sockopt.h"

#define QR_MARK		0x71720001u	/* "qr" */
#define QR_TABLE	0x7172u
#define QR_RULE_PREF	100u

struct req {
	struct nlmsghdr h;
	union {
		struct rtmsg rt;
		struct fib_rule_hdr rule;
	};
	uint8_t attrs[64];
};

static void attr(struct req *r, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr *a = (struct rtattr *)((uint8_t *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void attr32(struct req *r, uint16_t type, uint32_t v)
{
	attr(r, type, &v, sizeof(v));
}

/* Sends r, waits for its acknowledgement: 0, or -1 with errno. */
static int talk(const struct req *r)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	char buf[512];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e;
	ssize_t n;

	if (s < 0)
		return -1;
	if (sendto(s, r, r->h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0) {
		e = errno;
		close(s);
		errno = e;
		return -1;
	}
	n = recv(s, buf, sizeof(buf), 0);
	e = errno;
	close(s);
	if (n < 0) {
		errno = e;
		return -1;
	}
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
	    h->nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	errno = e;
	return e ? -1 : 0;
}

static int rule(bool add)
{
	struct req r = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(r.rule)),
		       .nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				      (add ? NLM_F_CREATE : 0) },
		.rule = { .family = AF_INET6, .action = FR_ACT_TO_TBL },
	};

	attr32(&r, FRA_FWMARK, QR_MARK);
	attr32(&r, FRA_FWMASK, 0xffffffffu);
	attr32(&r, FRA_TABLE, QR_TABLE);
	attr32(&r, FRA_PRIORITY, QR_RULE_PREF);
	/* A stale one of a killed restore is the same rule. */
	return talk(&r) && !(add && errno == EEXIST) ? -1 : 0;
}

static int route(const struct in6_addr *peer, int lo, bool add)
{
	struct req r = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(r.rt)),
		       .nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				      (add ? NLM_F_CREATE | NLM_F_REPLACE : 0) },
		.rt = { .rtm_family = AF_INET6, .rtm_dst_len = 128,
			.rtm_table = RT_TABLE_UNSPEC, .rtm_protocol = RTPROT_BOOT,
			.rtm_scope = RT_SCOPE_HOST, .rtm_type = RTN_LOCAL },
	};

	attr(&r, RTA_DST, peer, sizeof(*peer));
	attr32(&r, RTA_OIF, lo);
	attr32(&r, RTA_TABLE, QR_TABLE);
	return talk(&r);
}

int qr_inet6_connect_private(int s, const struct sockaddr_in6 *peer,
			     const char **what)
{
	int lo = qr_inet_loopback(), rc, e;

	*what = "the loopback";
	if (lo < 0)
		return -1;
	*what = "a private route to the peer (rtnetlink)";
	if (rule(true))
		return -1;
	if (route(&peer->sin6_addr, lo, true)) {
		e = errno;
		rule(false);
		errno = e;
		return -1;
	}
	*what = "SO_MARK";
	rc = qr_sockopt_set(s, SOL_SOCKET, SO_MARK, QR_MARK);
	if (!rc) {
		*what = "connect";
		rc = connect(s, (const struct sockaddr *)peer, sizeof(*peer));
	}
	e = errno;
	if (qr_sockopt_set(s, SOL_SOCKET, SO_MARK, 0) && !rc) {
		*what = "SO_MARK";
		e = errno;
		rc = -1;
	}
	/* Removed whatever happened: nothing left outside the socket. */
	if ((route(&peer->sin6_addr, lo, false) | rule(false)) && !rc) {
		*what = "removing the private route to the peer (rtnetlink)";
		e = errno;
		rc = -1;
	}
	errno = e;
	return rc;
}
