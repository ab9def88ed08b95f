/* See checkpoint/zc.h. */
#include "checkpoint/zc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>


#define PAGE 4096ull

struct runs {
	struct qri_page_run *r;
	size_t n, cap;
};

static int append(struct runs *v, uint32_t kind, uint64_t addr, uint64_t where)
{
	struct qri_page_run *last = v->n ? &v->r[v->n - 1] : NULL;

	if (last && last->kind == kind && last->addr + last->count * PAGE == addr &&
	    last->where + last->count * (kind == QRI_RUN_FRAMES ? 1 : PAGE) == where) {
		last->count++;
		return 0;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		struct qri_page_run *r = realloc(v->r, cap * sizeof(*r));

		if (!r)
			return -1;
		v->r = r;
		v->cap = cap;
	}
	v->r[v->n++] = (struct qri_page_run){ .addr = addr, .count = 1,
					      .where = where, .kind = kind };
	return 0;
}

static int copy_page(struct runs *v, struct qr_zc *zc, uint64_t addr,
		     uint64_t *copy_off)
{
	if (append(v, QRI_RUN_COPY, addr, *copy_off))
		return -1;
	*copy_off += PAGE;
	zc->copied++;
	return 0;
}

/* Page (from the area's start) is the parent's. */
static int inherit_page(struct qr_zc *zc, uint64_t page)
{
	struct qri_own_run *last = zc->ninherit ? &zc->inherit[zc->ninherit - 1] : NULL;

	zc->inherited++;
	if (last && last->first + last->count == page) {
		last->count++;
		return 0;
	}
	if (zc->ninherit == zc->inherit_cap) {
		uint32_t cap = zc->inherit_cap ? 2 * zc->inherit_cap : 16;
		struct qri_own_run *r = realloc(zc->inherit, cap * sizeof(*r));

		if (!r)
			return -1;
		zc->inherit = r;
		zc->inherit_cap = cap;
	}
	zc->inherit[zc->ninherit++] = (struct qri_own_run){ page, 1 };
	return 0;
}

static const struct pfncheck_vma *find_vma(const struct qr_zc *zc,
					   uint64_t start)
{
	for (uint32_t i = 0; i < zc->nvmas; i++)
		if (zc->vmas[i].start == start)
			return &zc->vmas[i];
	return NULL;
}

long qr_zc_runs(struct qr_zc *zc, uint64_t start, uint64_t end, bool file,
		uint64_t *copy_off, struct qri_page_run **runs,
		struct qr_err *e)
{
	const struct pfncheck_vma *pv = find_vma(zc, start);
	struct runs v = { 0 };
	uint64_t cursor = start;

	*runs = NULL;
	zc->ninherit = 0;
	if (pv && (pv->end != end || pv->first_page > zc->npages ||
		   pv->nr_pages > zc->npages - pv->first_page)) {
		qr_err_set(e, "area 0x%" PRIx64 " differs in the PFN map", start);
		return -1;
	}
	for (uint64_t i = 0; pv && i < pv->nr_pages; i++) {
		const struct pfncheck_page *p = &zc->pages[pv->first_page + i];
		enum qr_frame_fate fate;
		const char *why;

		if (p->addr < cursor || p->addr >= end || p->addr % PAGE) {
			qr_err_set(e, "page 0x%" PRIx64 " of the PFN map is out of order or outside its area",
				   (uint64_t)p->addr);
			goto fail;
		}
		for (; file && cursor < p->addr; cursor += PAGE)
			if (copy_page(&v, zc, cursor, copy_off))
				goto oom;
		cursor = p->addr + PAGE;
		if (p->flags & PFNCHECK_PAGE_ZERO) {
			if (file && copy_page(&v, zc, p->addr, copy_off))
				goto oom;
			continue;
		}
		if (p->flags & PFNCHECK_PAGE_ANON && p->flags & PFNCHECK_PAGE_HELD &&
		    zc->parent_frames &&
		    zc->parent_frames[(p->addr - start) / PAGE] == p->pfn) {
			if (inherit_page(zc, (p->addr - start) / PAGE))
				goto oom;
			continue;
		}
		if (!(p->flags & PFNCHECK_PAGE_ANON) || p->flags & PFNCHECK_PAGE_HELD) {
			if (copy_page(&v, zc, p->addr, copy_off))
				goto oom;
			continue;
		}
		fate = qr_frame_fate(zc->m, zc->boot, p->pfn, &why);
		if (fate == QR_FRAME_HIDE && !zc->keep_first_block)
			fate = QR_FRAME_COPY;
		if (fate == QR_FRAME_HIDE) {
			uint64_t pb = p->pfn * PAGE / QR_PAGEBLOCK * QR_PAGEBLOCK;

			if (qr_spans_add(&zc->hidden, pb, pb + QR_PAGEBLOCK))
				goto oom;
			zc->kept_first++;
			fate = QR_FRAME_KEEP;
		}
		switch (fate) {
		case QR_FRAME_KEEP:
			if (append(&v, QRI_RUN_FRAMES, p->addr, p->pfn))
				goto oom;
			zc->kept++;
			break;
		case QR_FRAME_COPY:
			if (copy_page(&v, zc, p->addr, copy_off))
				goto oom;
			zc->copied_place++;
			break;
		default:
			qr_err_set(e, "frame 0x%" PRIx64 " of page 0x%" PRIx64 " is %s: it cannot be kept",
				   (uint64_t)p->pfn, (uint64_t)p->addr, why);
			goto fail;
		}
	}
	for (; file && cursor < end; cursor += PAGE)
		if (copy_page(&v, zc, cursor, copy_off))
			goto oom;
	*runs = v.r;
	return (long)v.n;
oom:
	qr_err_set(e, "out of memory");
fail:
	free(v.r);
	return -1;
}
