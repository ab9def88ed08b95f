/* Sets of physical address ranges [start, end), kept sorted and merged.
 * Pure: no I/O. */
#ifndef QR_SPANS_H
#define QR_SPANS_H

#include <stddef.h>
#include <stdint.h>

struct qr_span {
	uint64_t start, end;	/* bytes, end exclusive */
};

struct qr_spans {
	struct qr_span *s;
	size_t n;
};

/* Each returns 0, or -1 when memory ran out (the set is then unchanged). */
int qr_spans_add(struct qr_spans *v, uint64_t start, uint64_t end);
int qr_spans_sub(struct qr_spans *v, uint64_t start, uint64_t end);
/* out = a ∩ b (out starts empty). */
int qr_spans_and(const struct qr_spans *a, const struct qr_spans *b,
		 struct qr_spans *out);
/* Whether [start, end) overlaps the set. */
int qr_spans_overlap(const struct qr_spans *v, uint64_t start, uint64_t end);
void qr_spans_free(struct qr_spans *v);

#endif
