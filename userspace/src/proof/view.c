/* The view of a process and its comparison (proof.h). Pure. */
#include "proof/proof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_keys[] = {
	"Umask", "Uid", "Gid", "Groups", "NoNewPrivs", "Seccomp",
	"Seccomp_filters", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
	"Threads", "Cpus_allowed_list", "Mems_allowed_list", "THP_enabled",
};

#define NKEYS (sizeof(status_keys) / sizeof(status_keys[0]))

static const char *next_line(const char *l)
{
	const char *n = strchr(l, '\n');

	return n ? n + 1 : NULL;
}

/* [prefix]key=value of "Key:\tv1\tv2 ...", blanks folded to one space. */
static void add_line(struct qr_strbuf *out, const char *prefix,
		     const char *key, const char *v, size_t len)
{
	qr_strbuf_printf(out, "%s%s=", prefix, key);
	for (size_t i = 0; i < len;) {
		size_t word = strcspn(v + i, " \t");

		if (word > len - i)
			word = len - i;
		if (word)
			qr_strbuf_printf(out, "%s%.*s",
					 out->len && out->s[out->len - 1] == '=' ? "" : " ",
					 (int)word, v + i);
		i += word;
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
	}
	qr_strbuf_printf(out, "\n");
}

static void add_status(struct qr_strbuf *out, const char *prefix,
		       const char *status)
{
	for (size_t k = 0; k < NKEYS; k++) {
		size_t n = strlen(status_keys[k]);

		for (const char *l = status; l && *l; l = next_line(l))
			if (!strncmp(l, status_keys[k], n) && l[n] == ':') {
				const char *v = l + n + 1;

				add_line(out, prefix, status_keys[k], v,
					 strcspn(v, "\n"));
				break;
			}
	}
}

/* Field n (1-based, as proc(5) counts) of /proc/PID/stat. */
static int stat_field(const char *stat, int n, long long *v)
{
	const char *p = strrchr(stat, ')');

	if (!p)
		return -1;
	/* After ") " comes field 3. */
	for (int f = 2; f < n; f++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	*v = strtoll(p + 1, NULL, 10);
	return 0;
}

int qr_proof_view(const char *prefix, const char *status, const char *stat,
		  const char *oom, const char *personality,
		  struct qr_strbuf *out)
{
	long long nice, rtprio, policy;

	if (stat_field(stat, 19, &nice) || stat_field(stat, 40, &rtprio) ||
	    stat_field(stat, 41, &policy))
		return -1;
	add_status(out, prefix, status);
	qr_strbuf_printf(out, "%snice=%lld\n%srt_priority=%lld\n%spolicy=%lld\n",
			 prefix, nice, prefix, rtprio, prefix, policy);
	if (oom)
		add_line(out, prefix, "oom_score_adj", oom, strcspn(oom, "\n"));
	if (personality)
		add_line(out, prefix, "personality", personality,
			 strcspn(personality, "\n"));
	return 0;
}

/* The value of key in view (up to its newline), NULL if absent. */
static const char *value_of(const char *view, const char *key, size_t klen,
			    size_t *vlen)
{
	for (const char *l = view; l && *l; l = next_line(l))
		if (!strncmp(l, key, klen) && l[klen] == '=') {
			*vlen = strcspn(l + klen + 1, "\n");
			return l + klen + 1;
		}
	return NULL;
}

int qr_proof_compare(const char *then, const char *now, char *diff,
		     size_t size)
{
	size_t used = 0;
	int n = 0;

	if (size)
		diff[0] = '\0';
	for (const char *l = then; l && *l; l = next_line(l)) {
		size_t klen = strcspn(l, "=\n"), vlen, tlen = strcspn(l, "\n");
		const char *v = value_of(now, l, klen, &vlen);
		const char *t = l + klen + 1;

		if (l[klen] != '=' || !v)
			continue;
		tlen -= klen + 1;
		if (vlen == tlen && !memcmp(v, t, vlen))
			continue;
		n++;
		if (used < size) {
			int w = snprintf(diff + used, size - used, "%s%.*s: %.*s -> %.*s",
					 n > 1 ? ", " : "", (int)klen, l,
					 (int)tlen, t, (int)vlen, v);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}
