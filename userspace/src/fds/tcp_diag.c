/* See tcp_diag.h: a dump of the family's TCP sockets in every state,
 * once for check and once for the capture (not per socket: with
 * thousands, a dump each took seconds), the inodes with keys kept. No getsockopt reads TCP_MD5SIG;
 * the dump gives its keys (INET_DIAG_MD5SIG) to CAP_NET_ADMIN. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/tcp_diag.h"
#include "lib/module_open.h"

/* Whether message m (a socket's) carries attribute type. */
static bool has_attr(const struct nlmsghdr *m, int type)
{
	const struct inet_diag_msg *d = NLMSG_DATA(m);
	int len = m->nlmsg_len - NLMSG_LENGTH(sizeof(*d));
	const struct nlattr *a = (const void *)(d + 1);

	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return true;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return false;
}

/* The inodes of the sockets with keys: one dump per family for check,
 * one for the capture. */
struct keyed {
	bool filled;
	uint64_t *ino;
	size_t n;
};

static int add(struct keyed *k, uint64_t ino)
{
	uint64_t *m = realloc(k->ino, (k->n + 1) * sizeof(*m));

	if (!m)
		return -1;
	k->ino = m;
	k->ino[k->n++] = ino;
	return 0;
}

/* k filled from a dump of family's sockets: 0, or -1 with errno. */
static int dump(uint8_t family, struct keyed *k)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} q = {
		.h = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = ~0u,
		       /* The keys come with TCP_INFO (tcp_diag_get_aux). */
		       .idiag_ext = 1 << (INET_DIAG_INFO - 1) },
	};
	static char buf[32768] __attribute__((aligned(4)));
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int e;

	if (s < 0)
		return -1;
	errno = 0;
	if (send(s, &q, sizeof(q), 0) != sizeof(q))
		goto fail;
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		const struct nlmsghdr *m = (const void *)buf;

		if (n <= 0)
			goto fail;
		for (; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
			const struct inet_diag_msg *d = NLMSG_DATA(m);

			if (m->nlmsg_type == NLMSG_DONE) {
				close(s);
				k->filled = true;
				return 0;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(m);

				errno = err->error < 0 ? -err->error : EIO;
				goto fail;
			}
			if (m->nlmsg_len >= NLMSG_LENGTH(sizeof(*d)) &&
			    has_attr(m, INET_DIAG_MD5SIG) && add(k, d->idiag_inode))
				goto fail;
		}
	}
fail:
	e = errno ? errno : EIO;
	close(s);
	errno = e;
	return -1;
}

int qr_tcp_md5(uint8_t family, uint64_t ino, bool check_only)
{
	static struct keyed cache[2][2];	/* [check_only][IPv6] */
	static bool loaded;
	struct keyed *k = &cache[check_only][family == AF_INET6];

	if (!k->filled && dump(family, k)) {
		/* No handler: tcp_diag (with inet_diag) is a module not loaded. */
		if (errno != ENOENT || loaded)
			return -1;
		loaded = true;
		if (qr_module_load("tcp_diag", "sock_diag") || dump(family, k))
			return -1;
	}
	for (size_t i = 0; i < k->n; i++)
		if (k->ino[i] == ino)
			return 1;
	return 0;
}
