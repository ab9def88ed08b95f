/* A UNIX socket's options (unix_kind.h): buffer sizes, SO_PASSCRED,
 * timeouts and SO_PEEK_OFF in the record's own fields; every other
 * readable one that changes what the socket does in the table below,
 * SO_LINGER, and a classic BPF filter (SO_GET_FILTER, attached again).
 * An option the capturing kernel lacks was off there; one set that this
 * kernel lacks fails the socket, naming it. An eBPF filter cannot be
 * read back: refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "fds/sockopt.h"
#include "fds/unix_kind.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83
#endif
#ifndef SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#endif

static const struct {
	int opt;
	const char *name;
} opts[QR_UNIX_NOPTS] = {
	[QR_UNIX_OPT_PASSSEC] = { SO_PASSSEC, "SO_PASSSEC" },
	[QR_UNIX_OPT_PASSPIDFD] = { SO_PASSPIDFD, "SO_PASSPIDFD" },
	[QR_UNIX_OPT_PASSRIGHTS] = { SO_PASSRIGHTS, "SO_PASSRIGHTS" },
	[QR_UNIX_OPT_PRIORITY] = { SO_PRIORITY, "SO_PRIORITY" },
	[QR_UNIX_OPT_MARK] = { SO_MARK, "SO_MARK" },
	[QR_UNIX_OPT_RCVLOWAT] = { SO_RCVLOWAT, "SO_RCVLOWAT" },
	[QR_UNIX_OPT_TIMESTAMP] = { 29, "SO_TIMESTAMP" },
	[QR_UNIX_OPT_TIMESTAMPNS] = { 35, "SO_TIMESTAMPNS" },
	[QR_UNIX_OPT_TIMESTAMP_NEW] = { SO_TIMESTAMP_NEW, "SO_TIMESTAMP_NEW" },
	[QR_UNIX_OPT_TIMESTAMPNS_NEW] = { SO_TIMESTAMPNS_NEW, "SO_TIMESTAMPNS_NEW" },
	[QR_UNIX_OPT_TIMESTAMPING] = { 37, "SO_TIMESTAMPING" },
	[QR_UNIX_OPT_RXQ_OVFL] = { SO_RXQ_OVFL, "SO_RXQ_OVFL" },
	[QR_UNIX_OPT_OOBINLINE] = { SO_OOBINLINE, "SO_OOBINLINE" },
	[QR_UNIX_OPT_KEEPALIVE] = { SO_KEEPALIVE, "SO_KEEPALIVE" },
	[QR_UNIX_OPT_DEBUG] = { SO_DEBUG, "SO_DEBUG" },
	/* After the filter: a locked one cannot be attached. */
	[QR_UNIX_OPT_LOCK_FILTER] = { SO_LOCK_FILTER, "SO_LOCK_FILTER" },
};

static int read_filter(int s, struct qr_unix_rec *r, struct qr_strbuf *f,
		       const char **why)
{
	static struct sock_filter insns[QR_UNIX_MAX_FILTER];
	socklen_t n = 0;

	*why = "SO_GET_FILTER";
	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &n)) {
		if (errno == EACCES)
			*why = "an eBPF socket filter (SO_ATTACH_BPF), which cannot be read back";
		return -1;
	}
	if (!n)
		return 0;
	if (n > QR_UNIX_MAX_FILTER ||
	    getsockopt(s, SOL_SOCKET, SO_GET_FILTER, insns, &n))
		return -1;
	r->nfilter = n;
	qr_strbuf_add(f, (const char *)insns, n * sizeof(insns[0]));
	return 0;
}

int qr_unix_opts_read(int s, struct qr_unix_rec *r, struct qr_strbuf *filter,
		      const char **why)
{
	struct linger l;
	socklen_t len = sizeof(l);

	*why = "its options";
	if (qr_sockopt_get(s, SOL_SOCKET, SO_SNDBUF, &r->sndbuf) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_RCVBUF, &r->rcvbuf) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_PASSCRED, &r->passcred) ||
	    qr_sockopt_get(s, SOL_SOCKET, SO_PEEK_OFF, &r->peek_off) ||
	    qr_sockopt_get_time(s, SO_RCVTIMEO, &r->rcvtimeo_us) ||
	    qr_sockopt_get_time(s, SO_SNDTIMEO, &r->sndtimeo_us))
		return -1;
	for (int i = 0; i < QR_UNIX_NOPTS; i++) {
		if (!qr_sockopt_get(s, SOL_SOCKET, opts[i].opt, &r->opt[i]))
			continue;
		*why = opts[i].name;
		if (errno != ENOPROTOOPT)
			return -1;
		r->opt[i] = 0;
		r->opt_absent |= 1u << i;
	}
	*why = "SO_LINGER";
	if (getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len))
		return -1;
	r->linger_onoff = !!l.l_onoff;
	r->linger_s = l.l_linger;
	return read_filter(s, r, filter, why);
}

static int set_filter(int s, const struct qr_unix_img *u, const char **what)
{
	static struct sock_filter insns[QR_UNIX_MAX_FILTER];
	struct sock_fprog p = { u->r.nfilter, insns };

	*what = "SO_ATTACH_FILTER";
	if (!u->r.nfilter)
		return 0;
	memcpy(insns, u->filter, u->r.nfilter * sizeof(insns[0]));
	return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p));
}

int qr_unix_opts_set(int s, const struct qr_unix_img *u, const char **what)
{
	const struct qr_unix_rec *r = &u->r;
	struct linger l = { r->linger_onoff, r->linger_s };

	*what = "SO_PASSCRED, SO_RCVTIMEO or SO_SNDTIMEO";
	if (qr_sockopt_set(s, SOL_SOCKET, SO_PASSCRED, r->passcred) ||
	    qr_sockopt_set_time(s, SO_RCVTIMEO, r->rcvtimeo_us) ||
	    qr_sockopt_set_time(s, SO_SNDTIMEO, r->sndtimeo_us))
		return -1;
	*what = "SO_LINGER";
	if ((l.l_onoff || l.l_linger) &&
	    setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		return -1;
	if (set_filter(s, u, what))
		return -1;
	for (int i = 0; i < QR_UNIX_NOPTS; i++) {
		int32_t now;

		*what = opts[i].name;
		if (r->opt_absent & 1u << i)
			continue;	/* off: the capturing kernel lacks it */
		if (qr_sockopt_get(s, SOL_SOCKET, opts[i].opt, &now)) {
			if (errno == ENOPROTOOPT && !r->opt[i])
				continue;	/* off here too */
			return -1;
		}
		if (now != r->opt[i] && qr_sockopt_set(s, SOL_SOCKET, opts[i].opt, r->opt[i]))
			return -1;
	}
	return 0;
}
