/* TCP and UDP sockets' image data and addresses (inet.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#include "fds/inet.h"

#define MAX_TIMEO (1ull << 50)

static bool known_state(uint8_t s, bool tcp)
{
	return s == TCP_CLOSE || s == TCP_ESTABLISHED || (tcp && s == TCP_LISTEN);
}

/* TCP_CONGESTION: a module's name, or "" (UDP). */
static bool congestion_valid(const char *c, size_t size, bool tcp)
{
	size_t n = strnlen(c, size);

	if (n == size || !n != !tcp)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)c[i]) && c[i] != '_' && c[i] != '-')
			return false;
	for (size_t i = n; i < size; i++)
		if (c[i])
			return false;
	return true;
}

/* SO_BINDTODEVICE: "" or an interface's name, NUL padded. */
static bool device_valid(const char *d, size_t size)
{
	size_t n = strnlen(d, size);

	if (n == size || !strcmp(d, ".") || !strcmp(d, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)d[i]) || d[i] == '/' || d[i] == ':')
			return false;
	for (size_t i = n; i < size; i++)
		if (d[i])
			return false;
	return true;
}

/* TCP_FASTOPEN_KEY: none (UDP's), a key, or a key and its backup. */
static bool fastopen_key_valid(const struct qr_inet_opts *o, bool tcp)
{
	if (o->fastopen_key_len != 0 &&
	    (!tcp || (o->fastopen_key_len != 16 && o->fastopen_key_len != 32)))
		return false;
	for (size_t i = o->fastopen_key_len; i < sizeof(o->fastopen_key); i++)
		if (o->fastopen_key[i])
			return false;
	return true;
}

static int opts_valid(const struct qr_inet_opts *o, bool tcp)
{
	return o->sndbuf < 0 || o->rcvbuf < 0 || o->rcvtimeo_us > MAX_TIMEO ||
	       o->sndtimeo_us > MAX_TIMEO ||
	       !congestion_valid(o->congestion, sizeof(o->congestion), tcp) ||
	       o->buflocks & ~QR_INET_BUFLOCKS || o->udp_cork > !tcp || o->pad ||
	       (o->transparent != 0 && o->transparent != 1) ||
	       !device_valid(o->bindtodevice, sizeof(o->bindtodevice)) ||
	       !fastopen_key_valid(o, tcp) || o->linger < -1 || o->pad2 ||
	       !qr_inet_more_valid(o->more) ? -1 : 0;
}

int qr_inet_img_parse(const uint8_t *data, size_t len, bool tcp,
		      struct qr_inet_img *i, struct qr_err *e)
{
	const struct qr_inet_rec *r = &i->r;
	size_t off = sizeof(i->r);

	memset(i, 0, sizeof(*i));
	if (!data || len < sizeof(i->r))
		return qr_err_set(e, "shorter than its record");
	memcpy(&i->r, data, sizeof(i->r));
	if ((r->family != AF_INET && r->family != AF_INET6) ||
	    !known_state(r->state, tcp) || r->flags & ~QR_INET_FLAGS)
		return qr_err_set(e, "unknown family %u, state %u or flags %#x",
				  r->family, r->state, r->flags);
	if ((r->state == TCP_ESTABLISHED) != !!(r->flags & QR_INET_PEER) ||
	    (r->state == TCP_LISTEN && !(r->flags & QR_INET_BOUND)))
		return qr_err_set(e, "state %u with flags %#x", r->state, r->flags);
	if (opts_valid(&r->o, tcp))
		return qr_err_set(e, "bad options");
	i->has_conn = tcp && r->state == TCP_ESTABLISHED;
	if (!i->has_conn)
		return off == len ? 0 : qr_err_set(e, "%zu bytes too many", len - off);
	if (len - off < sizeof(i->c))
		return qr_err_set(e, "connection record missing");
	memcpy(&i->c, data + off, sizeof(i->c));
	off += sizeof(i->c);
	if (i->c.outq_len > QR_TCP_MAX_QUEUE || i->c.inq_len > QR_TCP_MAX_QUEUE ||
	    i->c.unsent_len > i->c.outq_len)
		return qr_err_set(e, "queues too large");
	if ((uint64_t)i->c.outq_len + i->c.inq_len != len - off)
		return qr_err_set(e, "queues of %u and %u bytes in %zu",
				  i->c.outq_len, i->c.inq_len, len - off);
	if (i->c.snd_wscale > 14 || i->c.rcv_wscale > 14 || i->c.opts & ~7u ||
	    !i->c.mss || i->c.mss > 65535)
		return qr_err_set(e, "bad TCP options");
	i->outq = data + off;
	i->inq = i->outq + i->c.outq_len;
	return 0;
}

socklen_t qr_inet_sockaddr(uint8_t family, const struct qr_inet_addr *a,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(a->port);
		memcpy(&s->sin_addr, a->addr, 4);
		return sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(a->port);
		memcpy(&s->sin6_addr, a->addr, 16);
		s->sin6_scope_id = a->scope_id;
		return sizeof(*s);
	}
}

int qr_inet_from_sockaddr(const struct sockaddr_storage *ss,
			  struct qr_inet_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;

		memcpy(a->addr, &s->sin_addr, 4);
		a->port = ntohs(s->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;

		memcpy(a->addr, &s->sin6_addr, 16);
		a->port = ntohs(s->sin6_port);
		a->scope_id = s->sin6_scope_id;
		return 0;
	}
	return -1;
}

const char *qr_inet_str(uint8_t family, const struct qr_inet_addr *a,
			char *buf)
{
	char t[INET6_ADDRSTRLEN];

	inet_ntop(family, a->addr, t, sizeof(t));
	snprintf(buf, 64, family == AF_INET6 ? "[%s]:%u" : "%s:%u", t, a->port);
	return buf;
}

bool qr_inet_same(const struct qr_inet_addr *a, const struct qr_inet_addr *b)
{
	return !memcmp(a->addr, b->addr, 16) && a->port == b->port;
}
