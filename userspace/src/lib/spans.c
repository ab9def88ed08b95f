/* See spans.h. */
#include "lib/spans.h"

#include <stdlib.h>
#include <string.h>

static int cmp_span(const void *a, const void *b)
{
	const struct qr_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int qr_spans_add(struct qr_spans *v, uint64_t start, uint64_t end)
{
	struct qr_span *s;
	size_t n = 0;

	if (start >= end)
		return 0;
	s = realloc(v->s, (v->n + 1) * sizeof(*s));
	if (!s)
		return -1;
	s[v->n] = (struct qr_span){ start, end };
	qsort(s, v->n + 1, sizeof(*s), cmp_span);
	for (size_t i = 0; i <= v->n; i++) {
		if (n && s[i].start <= s[n - 1].end) {
			if (s[i].end > s[n - 1].end)
				s[n - 1].end = s[i].end;
		} else {
			s[n++] = s[i];
		}
	}
	v->s = s;
	v->n = n;
	return 0;
}

int qr_spans_sub(struct qr_spans *v, uint64_t start, uint64_t end)
{
	struct qr_span *s;
	size_t n = 0;

	if (start >= end)
		return 0;
	/* A span cut in the middle becomes two: at most one more. */
	s = malloc((v->n + 1) * sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		struct qr_span x = v->s[i];

		if (x.end <= start || x.start >= end) {
			s[n++] = x;
			continue;
		}
		if (x.start < start)
			s[n++] = (struct qr_span){ x.start, start };
		if (x.end > end)
			s[n++] = (struct qr_span){ end, x.end };
	}
	free(v->s);
	v->s = s;
	v->n = n;
	return 0;
}

int qr_spans_and(const struct qr_spans *a, const struct qr_spans *b,
		 struct qr_spans *out)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			uint64_t lo = a->s[i].start > b->s[j].start ?
				a->s[i].start : b->s[j].start;
			uint64_t hi = a->s[i].end < b->s[j].end ?
				a->s[i].end : b->s[j].end;

			if (lo < hi && qr_spans_add(out, lo, hi))
				return -1;
		}
	return 0;
}

int qr_spans_overlap(const struct qr_spans *v, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->s[i].start < end && start < v->s[i].end)
			return 1;
	return 0;
}

void qr_spans_free(struct qr_spans *v)
{
	free(v->s);
	v->s = NULL;
	v->n = 0;
}
