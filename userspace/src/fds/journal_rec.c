/* journald's stream state file and the journal stream's image data
 * (journal.h). Pure: no I/O. */
#include <stdio.h>
#include <string.h>

#include "fds/journal.h"

/* One C-escaped value as journald's cescape() writes it (\a \b \f \n \r
 * \t \v \\ \" \' and \NNN octal for other control bytes) decoded into out
 * (QR_JOURNAL_FIELD_MAX + 1): its length, or -1. A header line cannot
 * hold a 0 or a newline: refused. */
static long unescape(const char *v, size_t len, char *out)
{
	static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c == '\\') {
			const char *k;

			if (++i == len)
				return -1;
			k = v[i] ? strchr(from, v[i]) : NULL;
			if (k) {
				c = to[k - from];
			} else if (i + 2 < len && v[i] >= '0' && v[i] <= '3' &&
				   v[i + 1] >= '0' && v[i + 1] <= '7' &&
				   v[i + 2] >= '0' && v[i + 2] <= '7') {
				c = (char)((v[i] - '0') << 6 | (v[i + 1] - '0') << 3 |
					   (v[i + 2] - '0'));
				i += 2;
			} else {
				return -1;
			}
		}
		if (!c || c == '\n' || n == QR_JOURNAL_FIELD_MAX)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (long)n;
}

/* journald takes a unit line only if it is a unit name. */
static bool unit_name(const char *u, size_t len)
{
	if (!len || !memchr(u, '.', len) || u[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789:-_.\\@", u[i]) || !u[i])
			return false;
	return true;
}

static int bad(struct qr_err *e, size_t line, const char *what,
	       const char *l, size_t len)
{
	char tok[QR_TOKEN_BUF];

	return qr_err_set(e, "line %zu: %s: '%s'", line, what,
			  qr_err_token(tok, l, len));
}

enum { PRIORITY, LEVEL_PREFIX, TO_SYSLOG, TO_KMSG, TO_CONSOLE, IDENTIFIER,
       UNIT, NKEYS };

static const char *const keys[NKEYS] = {
	"PRIORITY", "LEVEL_PREFIX", "FORWARD_TO_SYSLOG", "FORWARD_TO_KMSG",
	"FORWARD_TO_CONSOLE", "IDENTIFIER", "UNIT",
};

static int value(struct qr_journal_state *s, int k, const char *v, size_t len)
{
	bool *flag[] = { [LEVEL_PREFIX] = &s->level_prefix,
			 [TO_SYSLOG] = &s->forward_to_syslog,
			 [TO_KMSG] = &s->forward_to_kmsg,
			 [TO_CONSOLE] = &s->forward_to_console };
	long n;

	switch (k) {
	case PRIORITY:
		if (!len || len > 3 || (v[0] == '0' && len > 1))
			return -1;
		s->priority = 0;
		for (size_t i = 0; i < len; i++) {
			if (v[i] < '0' || v[i] > '9')
				return -1;
			s->priority = s->priority * 10 + (v[i] - '0');
		}
		return 0;
	case IDENTIFIER:
		n = unescape(v, len, s->identifier);
		if (n <= 0)
			return -1;
		s->identifier_len = (uint32_t)n;
		return 0;
	case UNIT:
		n = unescape(v, len, s->unit);
		if (n <= 0 || !unit_name(s->unit, (size_t)n))
			return -1;
		s->unit_len = (uint32_t)n;
		return 0;
	default:
		if (len != 1 || (v[0] != '0' && v[0] != '1'))
			return -1;
		*flag[k] = v[0] == '1';
		return 0;
	}
}

/* A key journald may add later is skipped: the header has only the
 * seven lines, so none can change what is sent again. */
static bool key_syntax(const char *l, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", l[i]) || !l[i])
			return false;
	return true;
}

int qr_journal_state_parse(const char *text, size_t len,
			   struct qr_journal_state *s, struct qr_err *e)
{
	bool seen[NKEYS] = { false };
	size_t line = 0;

	memset(s, 0, sizeof(*s));
	if (memchr(text, '\0', len))
		return qr_err_set(e, "a 0 byte in it");
	for (size_t off = 0; off < len;) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		const char *eq;
		size_t n, klen;
		int k;

		line++;
		if (!nl)
			return bad(e, line, "not ended by a newline", l, len - off);
		n = (size_t)(nl - l);
		off += n + 1;
		if (n && l[0] == '#')
			continue;
		eq = memchr(l, '=', n);
		klen = eq ? (size_t)(eq - l) : 0;
		if (!eq || !key_syntax(l, klen))
			return bad(e, line, "not KEY=VALUE", l, n);
		for (k = 0; k < NKEYS; k++)
			if (strlen(keys[k]) == klen && !memcmp(keys[k], l, klen))
				break;
		if (k == NKEYS)
			continue;
		if (seen[k])
			return bad(e, line, "given twice", l, n);
		seen[k] = true;
		if (value(s, k, eq + 1, n - klen - 1))
			return bad(e, line, "bad value", l, n);
	}
	for (int k = PRIORITY; k <= TO_CONSOLE; k++)
		if (!seen[k])
			return qr_err_set(e, "no %s line", keys[k]);
	return 0;
}

size_t qr_journal_header(const struct qr_journal_state *s, char *buf)
{
	int n = snprintf(buf, QR_JOURNAL_HEADER_MAX, "%s\n%s\n%d\n%d\n%d\n%d\n%d\n",
			 s->identifier, s->unit, (int)s->priority,
			 s->level_prefix, s->forward_to_syslog,
			 s->forward_to_kmsg, s->forward_to_console);

	return n < 0 ? 0 : (size_t)n;
}

bool qr_journal_socket_path(const char *path, size_t len)
{
	static const char dir[] = "/run/systemd/journal", end[] = "/stdout";
	size_t d = sizeof(dir) - 1, t = sizeof(end) - 1;

	if (len < d + t || len > QR_JOURNAL_PATH_MAX || memcmp(path, dir, d) ||
	    memcmp(path + len - t, end, t))
		return false;
	if (len == d + t)
		return true;
	/* ".NAMESPACE": letters, digits, '_', '-', '.' (no "..") */
	if (path[d] != '.' || len == d + 1 + t)
		return false;
	for (size_t i = d + 1; i < len - t; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-.", path[i]) || !path[i] ||
		    (path[i] == '.' && path[i - 1] == '.'))
			return false;
	return true;
}

int qr_journal_img_parse(const uint8_t *data, size_t len,
			 struct qr_journal_rec *r, char *path,
			 struct qr_journal_state *s, const char **why)
{
	const char *p;

	memset(s, 0, sizeof(*s));
	*why = "shorter than its record";
	if (!data || len < sizeof(*r))
		return -1;
	memcpy(r, data, sizeof(*r));
	*why = "lengths do not add up";
	if ((size_t)r->path_len + r->identifier_len + r->unit_len !=
	    len - sizeof(*r))
		return -1;
	*why = "bad header fields";
	if (r->priority < 0 || r->priority > QR_JOURNAL_PRIORITY_MAX ||
	    r->level_prefix > 1 || r->forward_to_syslog > 1 ||
	    r->forward_to_kmsg > 1 || r->forward_to_console > 1)
		return -1;
	*why = "bad socket options or owner";
	if (r->sndbuf < 0 || r->shutdown > 3 || !r->owner || r->pad || r->pad2)
		return -1;
	p = (const char *)data + sizeof(*r);
	*why = "not journald's stdout socket";
	if (!qr_journal_socket_path(p, r->path_len))
		return -1;
	memcpy(path, p, r->path_len);
	path[r->path_len] = '\0';
	p += r->path_len;
	*why = "bad identifier";
	if (r->identifier_len > QR_JOURNAL_FIELD_MAX ||
	    memchr(p, '\0', r->identifier_len) || memchr(p, '\n', r->identifier_len))
		return -1;
	memcpy(s->identifier, p, r->identifier_len);
	s->identifier_len = r->identifier_len;
	p += r->identifier_len;
	*why = "bad unit";
	if (r->unit_len > QR_JOURNAL_FIELD_MAX ||
	    (r->unit_len && !unit_name(p, r->unit_len)))
		return -1;
	memcpy(s->unit, p, r->unit_len);
	s->unit_len = r->unit_len;
	s->priority = r->priority;
	s->level_prefix = r->level_prefix;
	s->forward_to_syslog = r->forward_to_syslog;
	s->forward_to_kmsg = r->forward_to_kmsg;
	s->forward_to_console = r->forward_to_console;
	return 0;
}
