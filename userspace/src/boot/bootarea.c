/* See bootarea.h. */
#include "boot/bootarea.h"

#include <inttypes.h>

#define PAGE 4096ull

static uint64_t up(uint64_t x, uint64_t a)
{
	return x + (a - x % a) % a;
}

int qr_hidden_ram(const struct qr_memview *m, struct qr_spans *out)
{
	out->s = NULL;
	out->n = 0;
	if (qr_spans_and(&m->reserved, &m->fwram, out))
		goto oom;
	if (m->has_shelter &&
	    qr_spans_sub(out, m->shelter.start, m->shelter.start + m->shelter.size))
		goto oom;
	for (size_t i = 0; i < m->sysram.n; i++)
		if (qr_spans_sub(out, m->sysram.s[i].start, m->sysram.s[i].end))
			goto oom;
	return 0;
oom:
	qr_spans_free(out);
	return -1;
}

int qr_bootarea_find(const struct qr_memview *m, struct qr_span *out,
		     struct qr_err *e)
{
	struct qr_spans h;
	uint64_t best = 0;

	if (!m->block || m->block % PAGE)
		return qr_err_set(e, "memory block size %" PRIu64 " is not a page multiple",
				  m->block);
	if (qr_hidden_ram(m, &h))
		return qr_err_set(e, "out of memory");
	for (size_t i = 0; i < h.n; i++) {
		uint64_t s = up(h.s[i].start, m->block);
		uint64_t t = h.s[i].end - h.s[i].end % m->block;

		if (s < t && t - s > best) {
			best = t - s;
			*out = (struct qr_span){ s, t };
		}
	}
	qr_spans_free(&h);
	if (!best)
		return 1;
	if (m->has_named && m->named.size < best)
		out->end = out->start + up(m->named.size, m->block);
	return 0;
}

int qr_bootarea_hide(const struct qr_memview *m, const struct qr_span *boot,
		     struct qr_spans *hide)
{
	hide->s = NULL;
	hide->n = 0;
	for (size_t i = 0; i < m->fwram.n; i++)
		if (qr_spans_add(hide, m->fwram.s[i].start, m->fwram.s[i].end))
			goto oom;
	if (qr_spans_sub(hide, 0, m->block) ||
	    qr_spans_sub(hide, boot->start, boot->end) ||
	    (m->has_shelter &&
	     qr_spans_sub(hide, m->shelter.start, m->shelter.start + m->shelter.size)))
		goto oom;
	return 0;
oom:
	qr_spans_free(hide);
	return -1;
}

/* The first frame at or above addr's frame, as an index into pfns. */
static size_t first_at(const uint64_t *pfns, size_t n, uint64_t pfn)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool window_free(const uint64_t *pfns, size_t n, uint64_t s, uint64_t t)
{
	size_t i = first_at(pfns, n, s / PAGE);

	return i == n || pfns[i] >= t / PAGE;
}

int qr_bootarea_next(const struct qr_spans *hidden, const uint64_t *pfns,
		     size_t n, uint64_t size, uint64_t block,
		     struct qr_span *out)
{
	bool found = false;

	size = up(size, block);
	for (size_t i = 0; i < hidden->n; i++) {
		uint64_t lo = up(hidden->s[i].start, block);
		uint64_t hi = hidden->s[i].end - hidden->s[i].end % block;

		for (uint64_t s = lo; s < hi && hi - s >= size; s += block) {
			bool low = s + size <= QR_BOOTAREA_LIMIT;

			if (!window_free(pfns, n, s, s + size))
				continue;
			/* Below 4 GiB: keep the highest; above: the lowest. */
			if (!found || (low && (out->start < s ||
					       out->end > QR_BOOTAREA_LIMIT))) {
				*out = (struct qr_span){ s, s + size };
				found = true;
			}
		}
	}
	return found ? 0 : 1;
}

enum qr_frame_fate qr_frame_fate(const struct qr_memview *m,
				 const struct qr_span *boot, uint64_t pfn,
				 const char **why)
{
	uint64_t a = pfn * PAGE;

	*why = NULL;
	if (pfn > UINT64_MAX / PAGE || !qr_spans_overlap(&m->fwram, a, a + PAGE))
		*why = "not RAM in the firmware map";
	else if (boot && a >= boot->start && a < boot->end)
		*why = "inside the boot area the New kernel runs in";
	else if (m->has_shelter && a >= m->shelter.start &&
		 a - m->shelter.start < m->shelter.size)
		*why = "inside the shelter";
	else if (a < QR_PAGEBLOCK)
		return QR_FRAME_COPY;
	else if (a < m->block)
		return QR_FRAME_HIDE;
	else if (m->has_shelter && a / m->block * m->block < m->shelter.start + m->shelter.size &&
		 m->shelter.start < (a / m->block + 1) * m->block)
		return QR_FRAME_COPY;	/* a block shared with the shelter stays out */
	return *why ? QR_FRAME_REFUSE : QR_FRAME_KEEP;
}

int qr_zc_copy_ranges(const struct qr_memview *m, struct qr_spans *out)
{
	struct qr_spans place = { 0 };
	int rc = -1;

	out->s = NULL;
	out->n = 0;
	if (qr_spans_add(&place, 0, m->block))
		goto out;
	if (m->has_shelter && m->block &&
	    qr_spans_add(&place, m->shelter.start / m->block * m->block,
			 up(m->shelter.start + m->shelter.size, m->block)))
		goto out;
	if (qr_spans_and(&place, &m->sysram, out) ||
	    (m->has_shelter &&
	     qr_spans_sub(out, m->shelter.start, m->shelter.start + m->shelter.size)))
		goto out;
	rc = 0;
out:
	qr_spans_free(&place);
	if (rc)
		qr_spans_free(out);
	return rc;
}
