/* The image reader's part for zero copy: page runs and the frames they
 * name (image/format.h: QRI_PAGE_RUNS). */
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

#define PAGE 4096ull

static int check_run(struct qri_cursor *c, const struct qri_vma *v,
		     const struct qri_page_run *r, uint64_t from)
{
	if (r->kind != QRI_RUN_FRAMES && r->kind != QRI_RUN_COPY)
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": run at 0x%" PRIx64 " has unknown kind %" PRIu32,
			   v->pid, r->addr, r->kind);
	if (r->addr % PAGE || r->addr < from || r->addr >= v->end || !r->count ||
	    r->count > (v->end - r->addr) / PAGE)
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": run of %" PRIu64 " pages at 0x%" PRIx64 " is not inside 0x%" PRIx64 "-0x%" PRIx64 " after the run before it",
			   v->pid, r->count, r->addr, from, v->end);
	if (r->kind == QRI_RUN_FRAMES &&
	    (r->where >= QRI_MAX_PFN || r->count > QRI_MAX_PFN - r->where))
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": frames 0x%" PRIx64 " + %" PRIu64 " are beyond any physical address",
			   v->pid, r->where, r->count);
	if (r->kind == QRI_RUN_COPY &&
	    (r->where % PAGE || r->where > UINT64_MAX - r->count * PAGE))
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": saved pages at offset 0x%" PRIx64 " are not page aligned or overflow",
			   v->pid, r->where);
	return 0;
}

int qri_read_page_runs(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left)
{
	struct qri_page_runs h;
	struct qri_proc_img *pr;
	struct qri_vma_img *vm;
	uint64_t from;

	memcpy(&h, fixed, sizeof(h));
	if (qri_owner(c, QRI_PAGE_RUNS, h.pid, &pr))
		return -1;
	vm = pr->nvmas ? &pr->vmas[pr->nvmas - 1] : NULL;
	if (!vm || vm->v.start != h.vma_start || vm->runs)
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": 0x%" PRIx64 " is not the area right before it, or has runs already",
			   h.pid, h.vma_start);
	if (vm->v.pages_offset != QRI_NO_PAGES || vm->v.flags & QRI_VMA_SHARED)
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": area 0x%" PRIx64 " is saved whole or shared",
			   h.pid, h.vma_start);
	if (!h.nr_runs || h.nr_runs > (vm->v.end - vm->v.start) / PAGE ||
	    h.nr_runs * sizeof(struct qri_page_run) != left)
		return BAD(c, QRI_PAGE_RUNS, "pid %" PRIu32 ": %" PRIu64 " runs do not fill the record or the area",
			   h.pid, h.nr_runs);
	from = vm->v.start;
	for (uint64_t i = 0; i < h.nr_runs; i++) {
		struct qri_page_run r;

		memcpy(&r, tail + i * sizeof(r), sizeof(r));
		if (check_run(c, &vm->v, &r, from))
			return -1;
		from = r.addr + r.count * PAGE;
	}
	if (qri_take_blob(c, QRI_PAGE_RUNS, "runs", &tail, &left, left,
			  (uint8_t **)&vm->runs))
		return -1;
	vm->nruns = h.nr_runs;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int qri_collect_frames(struct qri_image *img, struct qr_err *e)
{
	uint64_t n = 0, k = 0;

	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++)
			for (size_t r = 0; r < img->procs[i].vmas[j].nruns; r++)
				if (img->procs[i].vmas[j].runs[r].kind == QRI_RUN_FRAMES)
					n += img->procs[i].vmas[j].runs[r].count;
	if (!n)
		return 0;
	/* Runs lie inside their areas, which the image's size bounds. */
	if (n > QRI_MAX_SIZE)
		return qr_err_set(e, "image names %" PRIu64 " frames: more than it could hold", n);
	img->frames = malloc(n * sizeof(*img->frames));
	if (!img->frames)
		return qr_err_set(e, "out of memory");
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++)
			for (size_t r = 0; r < img->procs[i].vmas[j].nruns; r++) {
				const struct qri_page_run *run = &img->procs[i].vmas[j].runs[r];

				if (run->kind != QRI_RUN_FRAMES)
					continue;
				for (uint64_t f = 0; f < run->count; f++)
					img->frames[k++] = run->where + f;
			}
	qsort(img->frames, n, sizeof(*img->frames), cmp_u64);
	for (uint64_t i = 1; i < n; i++)
		if (img->frames[i] == img->frames[i - 1])
			return qr_err_set(e, "image: frame 0x%" PRIx64 " is listed twice",
					  img->frames[i]);
	img->nframes = n;
	return 0;
}
