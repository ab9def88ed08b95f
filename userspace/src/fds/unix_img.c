/* The image data of a UNIX socket (unix.h), untrusted: checked whole
 * before restore touches anything, and fuzzed. */
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "fds/sockdiag.h"
#include "fds/unix.h"

static bool known_type(uint8_t t)
{
	return t == SOCK_STREAM || t == SOCK_DGRAM || t == SOCK_SEQPACKET;
}

static bool known_state(uint8_t s)
{
	return s == TCP_ESTABLISHED || s == TCP_LISTEN || s == TCP_CLOSE;
}

/* n items of size bytes at *off, inside len: where they start. */
static const uint8_t *take(const uint8_t *data, size_t len, size_t *off,
			   size_t n, size_t size)
{
	const uint8_t *p = data + *off;

	if (n > (len - *off) / size)
		return NULL;
	*off += n * size;
	return p;
}

static bool cred_ok(const struct qr_unix_cred *c, bool has)
{
	return has ? c->pid > 0 && c->ngroups <= QR_UNIX_MAX_GROUPS :
		     !c->pid && !c->uid && !c->gid && !c->ngroups;
}

static int parse_msgs(const uint8_t *data, size_t len, size_t off,
		      uint32_t nmsgs, bool creds)
{
	for (uint32_t i = 0; i < nmsgs; i++) {
		struct qr_unix_msg_cred c;
		uint32_t n;
		uint8_t from;

		if (len - off < 5)
			return -1;
		memcpy(&n, data + off, 4);
		from = data[off + 4];
		off += 5;
		if (from > QR_UNIX_NAME_MAX || from > len - off)
			return -1;
		off += from;
		if (creds) {
			if (len - off < sizeof(c))
				return -1;
			memcpy(&c, data + off, sizeof(c));
			if (c.pid < 0 || (!c.pid && (c.uid || c.gid)))
				return -1;
			off += sizeof(c);
		}
		if (n > len - off)
			return -1;
		off += n;
	}
	return off == len ? 0 : -1;
}

int qr_unix_img_parse(const uint8_t *data, size_t len, struct qr_unix_img *u,
		      const char **why)
{
	const struct qr_unix_rec *r = &u->r;
	size_t off = sizeof(u->r);

	memset(u, 0, sizeof(*u));
	*why = "shorter than its record";
	if (!data || len < sizeof(u->r))
		return -1;
	memcpy(&u->r, data, sizeof(u->r));
	*why = "unknown type, state, shutdown or flags";
	if (!known_type(r->type) || !known_state(r->state) || r->shutdown > 3 ||
	    r->flags & ~QR_UNIX_FLAGS)
		return -1;
	*why = "bad name";
	if (r->name_len > QR_UNIX_NAME_MAX || r->name_len > len - off ||
	    (r->flags & (QR_UNIX_BIND | QR_UNIX_ACCEPTED) && !r->name_len))
		return -1;
	u->name = (const char *)data + off;
	if (r->name_len && u->name[0]) {
		/* A path: one 0, its last byte. */
		if (r->name_len < 2 || memchr(u->name, 0, r->name_len) !=
		    u->name + r->name_len - 1)
			return -1;
	} else if (r->flags & QR_UNIX_FILE) {
		return -1;
	}
	off += r->name_len;
	*why = "bad queued connections";
	if (r->nicons > QR_UNIX_MAX_ICONS || (r->nicons && r->state != TCP_LISTEN))
		return -1;
	u->icons = take(data, len, &off, r->nicons, 4);
	if (!u->icons)
		return -1;
	*why = "bad credentials";
	if (!cred_ok(&r->peer_cred, r->flags & QR_UNIX_PEERCRED) ||
	    !cred_ok(&r->conn_cred, r->flags & QR_UNIX_CONNCRED) ||
	    (r->flags & QR_UNIX_CONNCRED && !(r->flags & QR_UNIX_PENDING)))
		return -1;
	u->peer_groups = take(data, len, &off, r->peer_cred.ngroups, 4);
	u->conn_groups = u->peer_groups ?
			 take(data, len, &off, r->conn_cred.ngroups, 4) : NULL;
	if (!u->conn_groups)
		return -1;
	*why = "bad socket filter";
	if (r->nfilter > QR_UNIX_MAX_FILTER)
		return -1;
	u->filter = take(data, len, &off, r->nfilter, 8);
	if (!u->filter)
		return -1;
	*why = "bad security label";
	if (r->peersec_len > QR_UNIX_MAX_PEERSEC)
		return -1;
	u->peersec = (const char *)take(data, len, &off, r->peersec_len, 1);
	if (!u->peersec)
		return -1;
	*why = "bad queued messages";
	if (r->nmsgs > QR_UNIX_MAX_MSGS || (r->nmsgs && r->state == TCP_LISTEN))
		return -1;
	u->msgs = data + off;
	u->msgs_len = len - off;
	if (parse_msgs(data, len, off, r->nmsgs, r->flags & QR_UNIX_MSGCRED))
		return -1;
	*why = "bad options";
	if (r->sndbuf < 0 || r->rcvbuf < 0 || r->peek_off < -1 ||
	    r->file_mode & ~07777u ||
	    r->rcvtimeo_us > 1ull << 50 || r->sndtimeo_us > 1ull << 50 ||
	    r->opt_absent >> QR_UNIX_NOPTS || r->linger_onoff & ~1 ||
	    r->linger_s < 0)
		return -1;
	return 0;
}

uint32_t qr_unix_icon(const struct qr_unix_img *u, uint32_t i)
{
	uint32_t v;

	memcpy(&v, u->icons + 4 * (size_t)i, 4);
	return v;
}

uint32_t qr_unix_group(const uint8_t *groups, uint32_t i)
{
	uint32_t v;

	memcpy(&v, groups + 4 * (size_t)i, 4);
	return v;
}

bool qr_unix_next_msg(const struct qr_unix_img *u, size_t *off,
		      struct qr_unix_msg *m)
{
	if (*off + 5 > u->msgs_len)
		return false;
	memcpy(&m->len, u->msgs + *off, 4);
	m->from_len = u->msgs[*off + 4];
	m->from = (const char *)u->msgs + *off + 5;
	*off += 5 + m->from_len;
	memset(&m->cred, 0, sizeof(m->cred));
	if (u->r.flags & QR_UNIX_MSGCRED) {
		memcpy(&m->cred, u->msgs + *off, sizeof(m->cred));
		*off += sizeof(m->cred);
	}
	m->data = u->msgs + *off;
	*off += m->len;
	return true;
}
