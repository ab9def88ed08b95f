/* The image reader's part for pages shared with the parent since a fork
 * (image/format.h: QRI_VMA_INHERIT), and where restore finds their
 * contents without the parent (image/image.h: qri_inherited_offset). */
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

#define PAGE 4096ull

bool qri_vma_inheritable(const struct qri_vma_img *vm)
{
	return !vm->path && vm->v.flags & QRI_VMA_ANON &&
		!(vm->v.flags & (QRI_VMA_SHARED | QRI_VMA_SHMEM | QRI_VMA_SYSV |
				 QRI_VMA_STACK | QRI_VMA_VDSO | QRI_VMA_VVAR));
}

const struct qri_proc_img *qri_proc_of(const struct qri_image *img,
				       uint32_t pid)
{
	for (size_t i = 0; i < img->nprocs; i++)
		if (img->procs[i].p.pid == pid)
			return &img->procs[i];
	return NULL;
}

const struct qri_vma_img *qri_vma_at(const struct qri_proc_img *pr,
				     uint64_t start)
{
	size_t lo = 0, hi = pr->nvmas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pr->vmas[mid].v.start == start)
			return &pr->vmas[mid];
		if (pr->vmas[mid].v.start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Whether pages [first, first + count) of the area meet one of runs. */
static bool meets_runs(const struct qri_vma_img *vm, uint64_t first,
		       uint64_t count)
{
	uint64_t a = vm->v.start + first * PAGE, b = a + count * PAGE;

	for (size_t i = 0; i < vm->nruns; i++)
		if (vm->runs[i].addr < b &&
		    a < vm->runs[i].addr + vm->runs[i].count * PAGE)
			return true;
	return false;
}

int qri_read_vma_inherit(struct qri_cursor *c, const void *fixed,
			 const uint8_t *tail, size_t left)
{
	const struct qri_proc_img *parent;
	const struct qri_vma_img *pv;
	struct qri_vma_inherit h;
	struct qri_proc_img *pr;
	struct qri_vma_img *vm;
	uint64_t pages, next = 0;

	memcpy(&h, fixed, sizeof(h));
	if (qri_owner(c, QRI_VMA_INHERIT, h.pid, &pr))
		return -1;
	vm = pr->nvmas ? &pr->vmas[pr->nvmas - 1] : NULL;
	if (!vm || vm->v.start != h.start || vm->inherit)
		return BAD(c, QRI_VMA_INHERIT, "pid %" PRIu32 ": 0x%" PRIx64 " is not the memory area before it, or has a second one",
			   h.pid, h.start);
	parent = qri_proc_of(c->img, pr->p.ppid);
	pv = parent && parent != pr ? qri_vma_at(parent, vm->v.start) : NULL;
	if (!qri_vma_inheritable(vm) || !pv || !qri_vma_inheritable(pv) ||
	    pv->v.end != vm->v.end)
		return BAD(c, QRI_VMA_INHERIT, "pid %" PRIu32 ": 0x%" PRIx64 " is not private anonymous memory that its parent %" PRIu32 " has, read before, at the same place",
			   h.pid, h.start, pr->p.ppid);
	if (!h.nruns || h.nruns > left / sizeof(struct qri_own_run) ||
	    (uint64_t)h.nruns * sizeof(struct qri_own_run) != left)
		return BAD(c, QRI_VMA_INHERIT, "pid %" PRIu32 ": %" PRIu32 " runs do not fill the record",
			   h.pid, h.nruns);
	if (qri_take_blob(c, QRI_VMA_INHERIT, "runs", &tail, &left, left,
			  (uint8_t **)&vm->inherit))
		return -1;
	vm->ninherit = h.nruns;
	pages = (vm->v.end - vm->v.start) / PAGE;
	for (uint32_t i = 0; i < h.nruns; i++) {
		const struct qri_own_run *r = &vm->inherit[i];

		if (r->first < next || !r->count || r->first >= pages ||
		    r->count > pages - r->first || meets_runs(vm, r->first, r->count))
			return BAD(c, QRI_VMA_INHERIT, "pid %" PRIu32 ": 0x%" PRIx64 ": run %" PRIu32 " (pages %" PRIu64 "+%" PRIu64 ") is out of order, outside the area or saved too",
				   h.pid, h.start, i, r->first, r->count);
		next = r->first + r->count;
	}
	return 0;
}

/* The run of runs (n of them) holding page, or NULL. */
static const struct qri_own_run *run_of(const struct qri_own_run *runs,
					uint32_t n, uint64_t page)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (page < runs[mid].first)
			hi = mid;
		else if (page >= runs[mid].first + runs[mid].count)
			lo = mid + 1;
		else
			return &runs[mid];
	}
	return NULL;
}

bool qri_page_inherited(const struct qri_vma_img *vm, uint64_t page)
{
	return run_of(vm->inherit, vm->ninherit, page) != NULL;
}

int qri_inherited_offset(const struct qri_image *img,
			 const struct qri_proc_img *pr,
			 const struct qri_vma_img *vm, uint64_t page,
			 uint64_t *off)
{
	/* Each step goes to a parent: no more steps than processes. */
	for (size_t depth = 0; depth <= img->nprocs; depth++) {
		if (!qri_page_inherited(vm, page)) {
			uint64_t addr = vm->v.start + page * PAGE;

			if (vm->v.pages_offset != QRI_NO_PAGES) {
				*off = vm->v.pages_offset + page * PAGE;
				return 0;
			}
			for (size_t i = 0; i < vm->nruns; i++) {
				const struct qri_page_run *r = &vm->runs[i];

				if (r->kind == QRI_RUN_COPY && addr >= r->addr &&
				    addr < r->addr + r->count * PAGE) {
					*off = r->where + (addr - r->addr);
					return 0;
				}
			}
			return -1;
		}
		pr = qri_proc_of(img, pr->p.ppid);
		vm = pr ? qri_vma_at(pr, vm->v.start) : NULL;
		if (!vm)
			return -1;
	}
	return -1;
}
