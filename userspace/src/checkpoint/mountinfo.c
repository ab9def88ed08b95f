/* /proc/PID/mountinfo (mountinfo.h). One line per mount:
 *   ID PARENT MAJ:MIN ROOT POINT OPTS [TAG...] - FSTYPE SOURCE SUPER
 * The kernel escapes space, tab, newline and backslash in paths and
 * names as \ooo; anything else unexpected is refused, naming it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/mountinfo.h"

static const struct {
	const char *word;
	uint32_t flag;
} opt_words[] = {
	{ "ro", QR_MNT_RDONLY }, { "rw", 0 }, { "nosuid", QR_MNT_NOSUID },
	{ "nodev", QR_MNT_NODEV }, { "noexec", QR_MNT_NOEXEC },
	{ "noatime", QR_MNT_NOATIME }, { "nodiratime", QR_MNT_NODIRATIME },
	{ "relatime", QR_MNT_RELATIME }, { "nosymfollow", QR_MNT_NOSYMFOLLOW },
	{ "idmapped", QR_MNT_IDMAPPED },
};

/* The next space-separated field of [*p, end), decoded in place and
 * NUL-terminated; NULL at the end of the line or on a bad escape. */
static char *field(char **p, char *end, bool *bad)
{
	char *s = *p, *o = s, *r = s;

	*bad = false;
	if (s >= end || *s == ' ')
		return NULL;
	while (r < end && *r != ' ') {
		if (*r == '\\') {
			if (end - r < 4 || r[1] < '0' || r[1] > '3' ||
			    r[2] < '0' || r[2] > '7' || r[3] < '0' || r[3] > '7') {
				*bad = true;
				return NULL;
			}
			*o = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
			if (!*o) {
				*bad = true;
				return NULL;
			}
			o++;
			r += 4;
			continue;
		}
		*o++ = *r++;
	}
	if (r < end)
		r++;	/* the one space */
	*o = '\0';
	*p = r;
	return s;
}

static int number(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int opts(char *s, uint32_t *flags)
{
	bool rw = false;

	*flags = 0;
	for (char *sv, *w = strtok_r(s, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		size_t i;

		for (i = 0; i < sizeof(opt_words) / sizeof(opt_words[0]); i++)
			if (!strcmp(w, opt_words[i].word))
				break;
		if (i == sizeof(opt_words) / sizeof(opt_words[0]) ||
		    *flags & opt_words[i].flag)
			return -1;
		rw |= !strcmp(w, "rw");
		*flags |= opt_words[i].flag;
	}
	/* Exactly one of ro and rw, first, as the kernel prints. */
	return rw == !!(*flags & QR_MNT_RDONLY) ? -1 : 0;
}

static int tag(const char *t, struct qr_mount *m)
{
	uint32_t *slot = NULL, v;
	const char *num = NULL;

	if (!strcmp(t, "unbindable")) {
		if (m->unbindable)
			return -1;
		m->unbindable = true;
		return 0;
	}
	if (!strncmp(t, "shared:", 7)) {
		slot = &m->shared;
		num = t + 7;
	} else if (!strncmp(t, "master:", 7)) {
		slot = &m->master;
		num = t + 7;
	} else if (!strncmp(t, "propagate_from:", 15)) {
		/* Derived from master: which peer it hears first. */
		return number(t + 15, &v) || !v || !m->master ? -1 : 0;
	}
	if (!slot || number(num, &v) || !v || *slot)
		return -1;
	*slot = v;
	return 0;
}

static int line(char *s, char *end, struct qr_mount *m, const char **bad_tok,
		const char **what)
{
	char *f[6], *dev, *colon;
	bool bad;

	memset(m, 0, sizeof(*m));
	*bad_tok = s;
	for (int i = 0; i < 6; i++)
		if (!(f[i] = field(&s, end, &bad))) {
			*what = bad ? "a bad \\ooo escape" : "too few fields";
			return -1;
		}
	dev = f[2];
	colon = strchr(dev, ':');
	*what = "a bad mount id, parent or device";
	if (number(f[0], &m->id) || number(f[1], &m->parent) || !colon)
		return -1;
	*colon = '\0';
	if (number(dev, &m->major) || number(colon + 1, &m->minor))
		return -1;
	m->root = f[3];
	m->point = f[4];
	*what = "a root or mount point that is not an absolute path";
	if (m->root[0] != '/' || m->point[0] != '/')
		return -1;
	*what = "unknown per-mount options";
	if (opts(f[5], &m->flags))
		return -1;
	for (;;) {
		char *t = field(&s, end, &bad);

		*what = "no \"-\" separator";
		if (!t)
			return -1;
		if (!strcmp(t, "-"))
			break;
		*what = "an unknown or repeated optional field";
		*bad_tok = t;
		if (tag(t, m))
			return -1;
	}
	*what = "too few fields after \"-\"";
	if (!(m->fstype = field(&s, end, &bad)) ||
	    !(m->source = field(&s, end, &bad)) ||
	    !(m->super = field(&s, end, &bad)))
		return -1;
	*what = "fields after the super block options";
	return s < end ? -1 : 0;
}

int qr_mountinfo_parse(const char *text, size_t len, struct qr_mounts *out,
		       struct qr_err *e)
{
	char tok[QR_TOKEN_BUF], *buf;
	size_t cap = 0, lineno = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		return qr_err_set(e, "mountinfo: holds a NUL byte");
	if (len && text[len - 1] != '\n')
		return qr_err_set(e, "mountinfo: the last line has no newline");
	buf = malloc(len + 1);
	if (!buf)
		return qr_err_set(e, "mountinfo: out of memory");
	memcpy(buf, text, len);
	buf[len] = '\0';
	out->buf = buf;
	for (char *s = buf; s < buf + len;) {
		char *nl = memchr(s, '\n', buf + len - s);
		const char *bad_tok, *what;
		struct qr_mount m;

		lineno++;
		if (nl - s > QR_MOUNTINFO_LINE_MAX) {
			qr_err_set(e, "mountinfo line %zu: longer than %d bytes",
				   lineno, QR_MOUNTINFO_LINE_MAX);
			goto fail;
		}
		*nl = '\0';
		if (line(s, nl, &m, &bad_tok, &what)) {
			qr_err_set(e, "mountinfo line %zu: %s at \"%s\"", lineno,
				   what, qr_err_token(tok, bad_tok, strlen(bad_tok)));
			goto fail;
		}
		for (size_t i = 0; i < out->n; i++)
			if (out->m[i].id == m.id) {
				qr_err_set(e, "mountinfo line %zu: mount id %" PRIu32 " listed twice",
					   lineno, m.id);
				goto fail;
			}
		if (out->n == QR_MOUNTS_MAX) {
			qr_err_set(e, "mountinfo: more than %d mounts", QR_MOUNTS_MAX);
			goto fail;
		}
		if (out->n == cap) {
			struct qr_mount *g = realloc(out->m, (cap = cap ? cap * 2 : 32) * sizeof(*g));

			if (!g) {
				qr_err_set(e, "mountinfo: out of memory");
				goto fail;
			}
			out->m = g;
		}
		out->m[out->n++] = m;
		s = nl + 1;
	}
	return 0;
fail:
	qr_mounts_free(out);
	return -1;
}

void qr_mounts_free(struct qr_mounts *ms)
{
	free(ms->m);
	free(ms->buf);
	memset(ms, 0, sizeof(*ms));
}

const char *qr_mount_flags_str(uint32_t flags, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "%s", flags & QR_MNT_RDONLY ? "ro" : "rw");

	for (size_t i = 2; i < sizeof(opt_words) / sizeof(opt_words[0]) && k < n; i++)
		if (flags & opt_words[i].flag)
			k += (size_t)snprintf(out + k, n - k, ",%s", opt_words[i].word);
	return out;
}
