/* Lock lines of /proc/locks and fdinfo (lock_line.h). The kernel prints
 * them with lock_get_status() (fs/locks.c): "ID: [-> ]KIND ADVISORY
 * TYPE PID MAJ:MIN:INO START END", MAJ and MIN in hex, END "EOF". */
#include "fds/lock_line.h"

#include <string.h>

#define MAX_TOKENS 12
#define MAX_LINE 512

/* Unsigned number in base 10 or 16, all of s, no overflow. */
static int number(const char *s, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		if (v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *word;
	enum qr_lock_kind kind;
} kinds[] = {
	{ "POSIX", QR_LK_POSIX }, { "OFDLCK", QR_LK_OFD },
	{ "FLOCK", QR_LK_FLOCK }, { "LEASE", QR_LK_LEASE },
	{ "DELEG", QR_LK_DELEG }, { "ACCESS", QR_LK_ACCESS },
	{ "UNKNOWN", QR_LK_UNKNOWN },
};

const char *qr_lock_kind_name(enum qr_lock_kind kind)
{
	if (kind == QR_LK_MANDATORY)
		return "MANDATORY";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].word;
	return "?";
}

/* "MAJ:MIN:INO" (hex, hex, decimal) or "<none>:0". */
static int inode(char *s, struct qr_lock_line *l)
{
	char *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL;
	uint64_t ma, mi;

	if (!strcmp(s, "<none>:0")) {
		l->has_inode = false;
		return 0;
	}
	if (!b)
		return -1;
	*a = *b = '\0';
	if (number(s, 16, UINT32_MAX, &ma) || number(a + 1, 16, UINT32_MAX, &mi) ||
	    number(b + 1, 10, UINT64_MAX, &l->ino))
		return -1;
	l->major = ma;
	l->minor = mi;
	l->has_inode = true;
	return 0;
}

/* The second word: how the kernel enforces it, or a lease's state. */
static bool second_word(enum qr_lock_kind kind, const char *w)
{
	switch (kind) {
	case QR_LK_POSIX:
	case QR_LK_OFD:
	case QR_LK_ACCESS:
		return !strcmp(w, "ADVISORY") || !strcmp(w, "*NOINODE*");
	case QR_LK_FLOCK:
		return !strcmp(w, "ADVISORY");
	case QR_LK_LEASE:
	case QR_LK_DELEG:
		return !strcmp(w, "ACTIVE") || !strcmp(w, "BREAKING") ||
			!strcmp(w, "BREAKER");
	default:
		return !strcmp(w, "UNKNOWN");
	}
}

int qr_lock_line_parse(const char *line, struct qr_lock_line *l,
		       struct qr_err *e)
{
	char buf[MAX_LINE], tb[QR_TOKEN_BUF], *tok[MAX_TOKENS], *p, *save;
	size_t len = strcspn(line, "\n"), n = 0, i;
	uint64_t v;

	memset(l, 0, sizeof(*l));
	if (len >= sizeof(buf) || line[len + (line[len] == '\n')])
		return qr_err_set(e, "lock line too long or not one line: '%s'",
				  qr_err_token(tb, line, len));
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_TOKENS)
			return qr_err_set(e, "lock line with too many words: '%s'",
					  qr_err_token(tb, line, len));
		tok[n++] = p;
	}
	/* "ID:" */
	if (n < 1 || strlen(tok[0]) < 2 || tok[0][strlen(tok[0]) - 1] != ':')
		return qr_err_set(e, "lock line without its number: '%s'",
				  qr_err_token(tb, line, len));
	tok[0][strlen(tok[0]) - 1] = '\0';
	if (number(tok[0], 10, UINT64_MAX, &v))
		return qr_err_set(e, "lock number '%s' is not a number",
				  qr_err_token(tb, tok[0], strlen(tok[0])));
	i = 1;
	if (i < n && !strcmp(tok[i], "->")) {
		l->waiter = true;
		i++;
	}
	if (n - i != 7)
		return qr_err_set(e, "lock line of %zu words, not %zu: '%s'", n,
				  i + 7, qr_err_token(tb, line, len));
	l->kind = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(tok[i], kinds[k].word))
			l->kind = kinds[k].kind;
	if (!l->kind)
		return qr_err_set(e, "unknown lock kind '%s'",
				  qr_err_token(tb, tok[i], strlen(tok[i])));
	if (l->kind == QR_LK_POSIX && !strcmp(tok[i + 1], "MANDATORY"))
		l->kind = QR_LK_MANDATORY;
	else if (!second_word(l->kind, tok[i + 1]))
		return qr_err_set(e, "%s lock: unexpected '%s'", tok[i],
				  qr_err_token(tb, tok[i + 1], strlen(tok[i + 1])));
	l->breaking = (l->kind == QR_LK_LEASE || l->kind == QR_LK_DELEG) &&
		strcmp(tok[i + 1], "ACTIVE");
	i += 2;
	if (!strcmp(tok[i], "WRITE"))
		l->write = true;
	else if (!strcmp(tok[i], "UNLCK"))
		l->unlock = true;
	else if (strcmp(tok[i], "READ"))
		return qr_err_set(e, "lock type '%s' is none of READ, WRITE, UNLCK",
				  qr_err_token(tb, tok[i], strlen(tok[i])));
	i++;
	p = tok[i];
	if (number(p + (*p == '-'), 10, (uint64_t)INT64_MAX, &v))
		return qr_err_set(e, "lock owner '%s' is not a number",
				  qr_err_token(tb, p, strlen(p)));
	l->pid = *p == '-' ? -(int64_t)v : (int64_t)v;
	i++;
	if (inode(tok[i], l))
		return qr_err_set(e, "lock's file '%s' is not MAJ:MIN:INO",
				  qr_err_token(tb, tok[i], strlen(tok[i])));
	i++;
	if (number(tok[i], 10, (uint64_t)INT64_MAX, &l->start))
		return qr_err_set(e, "lock start '%s' is not a number",
				  qr_err_token(tb, tok[i], strlen(tok[i])));
	i++;
	if (!strcmp(tok[i], "EOF"))
		l->end = QR_LK_EOF;
	else if (number(tok[i], 10, (uint64_t)INT64_MAX, &l->end) ||
		 l->end < l->start)
		return qr_err_set(e, "lock end '%s' is not a number from %llu",
				  qr_err_token(tb, tok[i], strlen(tok[i])),
				  (unsigned long long)l->start);
	return 0;
}

int qr_locks_data_check(const uint8_t *data, size_t len, size_t *end,
			struct qr_err *e)
{
	struct qri_locks_head h;
	size_t flocks = 0, leases = 0;

	*end = 0;
	if (!len)
		return 0;
	if (len < sizeof(h))
		return qr_err_set(e, "lock data of %zu bytes, shorter than its head", len);
	memcpy(&h, data, sizeof(h));
	if (h.pad || h.nlocks > (len - sizeof(h)) / sizeof(struct qri_lock))
		return qr_err_set(e, "%u locks do not fit in %zu bytes of data",
				  h.nlocks, len);
	for (size_t i = 0; i < h.nlocks; i++) {
		struct qri_lock q;
		bool posix, ofd, fl, lease;

		memcpy(&q, data + sizeof(h) + i * sizeof(q), sizeof(q));
		posix = q.kind == QRI_LOCK_POSIX;
		ofd = q.kind == QRI_LOCK_OFD;
		fl = q.kind == QRI_LOCK_FLOCK;
		lease = q.kind == QRI_LOCK_LEASE;
		flocks += fl;
		leases += lease;
		if ((!posix && !ofd && !fl && !lease) || q.write > 1 || q.pad ||
		    q.start > q.end || q.start > INT64_MAX ||
		    (q.end > INT64_MAX && q.end != QRI_LOCK_EOF) ||
		    (ofd ? q.pid != 0 : !q.pid || q.pid > QRI_PID_MAX) ||
		    ((fl || lease) && (q.start || q.end != QRI_LOCK_EOF)) ||
		    flocks > 1 || leases > 1)
			return qr_err_set(e, "lock %zu (kind %u, %s, pid %u, %llu-%llu) is not one capture writes",
					  i, q.kind, q.write ? "write" : "read", q.pid,
					  (unsigned long long)q.start,
					  (unsigned long long)q.end);
	}
	*end = sizeof(h) + h.nlocks * sizeof(struct qri_lock);
	return 0;
}
