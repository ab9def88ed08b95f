/* /proc/PID/status credential and sandbox lines, smaps VmFlags: names and
 * formats are user ABI (proc(5)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/creds.h"
#include "image/format.h"

/* The value after "Key:" at a line's start, or NULL. */
static const char *value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && strncmp(p, key, klen))
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return NULL;
	p += klen;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int hex64(const char *text, const char *key, uint64_t *v)
{
	const char *p = value(text, key);
	char *end;

	if (!p)
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 16);
	if (end - p != 16 || errno || (*end != '\n' && *end))
		return -1;
	return 0;
}

static int dec32(const char *text, const char *key, uint32_t *v)
{
	const char *p = value(text, key);
	unsigned long long x;
	char *end;

	if (!p || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	x = strtoull(p, &end, 10);
	if (errno || x > UINT32_MAX || (*end != '\n' && *end))
		return -1;
	*v = x;
	return 0;
}

static int groups(const char *text, struct qr_creds *c)
{
	const char *p = value(text, "Groups:");
	size_t cap = 0;

	if (!p)
		return -1;
	for (;;) {
		unsigned long long g;
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			return 0;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		g = strtoull(p, &end, 10);
		if (errno || g >= UINT32_MAX || c->ngroups >= QRI_MAX_GROUPS)
			return -1;
		if (c->ngroups == cap) {
			uint32_t *n = realloc(c->groups,
					      (cap = cap ? cap * 2 : 16) * sizeof(*n));

			if (!n)
				return -1;
			c->groups = n;
		}
		c->groups[c->ngroups++] = g;
		p = end;
	}
}

int qr_status_creds(const char *text, struct qr_creds *c, struct qr_err *e)
{
	uint32_t thp;

	memset(c, 0, sizeof(*c));
	if (hex64(text, "CapInh:", &c->cap_inh) ||
	    hex64(text, "CapPrm:", &c->cap_prm) ||
	    hex64(text, "CapEff:", &c->cap_eff) ||
	    hex64(text, "CapBnd:", &c->cap_bnd) ||
	    hex64(text, "CapAmb:", &c->cap_amb))
		return qr_err_set(e, "status: no or malformed Cap* lines");
	if (dec32(text, "NoNewPrivs:", &c->no_new_privs) || c->no_new_privs > 1)
		return qr_err_set(e, "status: no or malformed NoNewPrivs line");
	if (dec32(text, "Seccomp:", &c->seccomp))
		return qr_err_set(e, "status: no or malformed Seccomp line");
	if (value(text, "Seccomp_filters:") &&
	    dec32(text, "Seccomp_filters:", &c->seccomp_filters))
		return qr_err_set(e, "status: malformed Seccomp_filters line");
	c->thp_enabled = -1;
	if (value(text, "THP_enabled:")) {
		if (dec32(text, "THP_enabled:", &thp) || thp > 1)
			return qr_err_set(e, "status: malformed THP_enabled line");
		c->thp_enabled = thp;
	}
	if (groups(text, c))
		return qr_err_set(e, "status: no or malformed Groups line");
	if (c->cap_eff & ~c->cap_prm || c->cap_amb & ~(c->cap_prm & c->cap_inh))
		return qr_err_set(e, "status: capability sets out of order");
	return 0;
}

void qr_creds_free(struct qr_creds *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

void qr_status_cred_lines(const char *text, char *out, size_t len)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:",
		"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
		"NoNewPrivs:", "Seccomp:" };
	size_t n = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *p = value(text, keys[i]);
		size_t l = p ? strcspn(p, "\n") : 0;

		if (n + strlen(keys[i]) + l + 2 > len)
			return;
		memcpy(out + n, keys[i], strlen(keys[i]));
		n += strlen(keys[i]);
		memcpy(out + n, p ? p : "", l);
		n += l;
		out[n++] = '\n';
		out[n] = '\0';
	}
}

uint32_t qr_vmflags_advice(const char *flags, const char **refused)
{
	static const struct { char f[3]; uint32_t adv; } carried[] = {
		{ "sr", QRI_ADV_SEQUENTIAL }, { "rr", QRI_ADV_RANDOM },
		{ "dc", QRI_ADV_DONTFORK }, { "wf", QRI_ADV_WIPEONFORK },
		{ "dd", QRI_ADV_DONTDUMP }, { "hg", QRI_ADV_HUGEPAGE },
		{ "nh", QRI_ADV_NOHUGEPAGE }, { "mg", QRI_ADV_MERGEABLE },
		{ "lo", QRI_ADV_LOCKED }, { "lf", QRI_ADV_LOCKONFAULT },
	};
	/* What no call of restore's can set again. */
	static const char *const refuse[] = { "um", "uw", "ui", "sl", "ss", "mt" };
	uint32_t adv = 0;
	const char *p = flags;

	*refused = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!p[0] || p[0] == '\n' || !p[1])
			break;
		for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
			if (!strncmp(p, carried[i].f, 2) &&
			    (p[2] == ' ' || p[2] == '\n' || !p[2]))
				adv |= carried[i].adv;
		for (size_t i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++)
			if (!*refused && !strncmp(p, refuse[i], 2) &&
			    (p[2] == ' ' || p[2] == '\n' || !p[2]))
				*refused = refuse[i];
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	/* The kernel never shows lf without lo; keep the image's rule. */
	if (adv & QRI_ADV_LOCKONFAULT)
		adv |= QRI_ADV_LOCKED;
	return adv;
}
