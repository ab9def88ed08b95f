/* See restore/premap.h. */
#define _GNU_SOURCE
#include "restore/premap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/vdso.h"

#define PAGE 4096ull
#define TASK_SIZE_4L 0x7ffffffff000ull

const struct qr_premap *qr_premap_find(const struct qr_premaps *pm,
				       uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < pm->n; i++)
		if (pm->p[i].start == start && pm->p[i].end == end)
			return &pm->p[i];
	return NULL;
}

void qr_premaps_free(struct qr_premaps *pm)
{
	free(pm->p);
	pm->p = NULL;
	pm->n = 0;
}

/* Whether the area needs a premap in process i: it shares pages with its
 * parent, or a child of i shares pages of it. */
static bool needed(const struct qri_image *img, const struct qr_tree *tree,
		   size_t i, const struct qri_vma_img *vm)
{
	if (vm->inherit)
		return true;
	for (size_t j = 0; j < img->nprocs; j++) {
		const struct qri_vma_img *cv;

		if (tree->parent[j] != (long)i)
			continue;
		cv = qri_vma_at(&img->procs[j], vm->v.start);
		if (cv && cv->inherit && cv->v.end == vm->v.end)
			return true;
	}
	return false;
}

static int cmp_area(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Every area of every process of the image, sorted and merged: a premap
 * lies outside all of them, so that no area the blob maps or moves lands
 * on a premap not yet moved. */
static uint64_t (*all_areas(const struct qri_image *img, size_t *n))[2]
{
	uint64_t (*a)[2];
	size_t k = 0, m = 0;

	for (size_t i = 0; i < img->nprocs; i++)
		k += img->procs[i].nvmas;
	a = malloc((k + 1) * sizeof(*a));
	if (!a)
		return NULL;
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++) {
			a[m][0] = img->procs[i].vmas[j].v.start;
			a[m][1] = img->procs[i].vmas[j].v.end;
			m++;
		}
	qsort(a, m, sizeof(*a), cmp_area);
	k = 0;
	for (size_t i = 0; i < m; i++) {
		if (k && a[i][0] <= a[k - 1][1]) {
			if (a[i][1] > a[k - 1][1])
				a[k - 1][1] = a[i][1];
			continue;
		}
		a[k][0] = a[i][0];
		a[k][1] = a[i][1];
		k++;
	}
	*n = k;
	return a;
}

static uint64_t new_place(const uint64_t (*areas)[2], size_t n, uint64_t len)
{
	uint64_t from = 0x10000000;

	for (int tries = 0; tries < 64; tries++) {
		uint64_t hole = qr_find_hole(areas, n, len, from, TASK_SIZE_4L);
		void *p;

		if (!hole)
			break;
		p = mmap((void *)hole, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)hole)
			return hole;
		if (p != MAP_FAILED)
			munmap(p, len);
		from = hole + (1ull << 28);
	}
	return 0;
}

static int read_at(int fd, uint64_t to, uint64_t len, uint64_t off)
{
	for (uint64_t done = 0; done < len;) {
		ssize_t n = pread(fd, (void *)(uintptr_t)(to + done), len - done,
				  off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

/* Pages [p, q) of the area are the process's own: what the parent left
 * there goes (kept), then its saved contents come (copy mode: all of
 * them; zero copy: its copied runs, the frames later, in the blob). */
static int fill_own(int fd, const struct qri_vma_img *vm, uint64_t at,
		    uint64_t p, uint64_t q, bool kept)
{
	uint64_t a = vm->v.start + p * PAGE, b = vm->v.start + q * PAGE;

	if (kept && madvise((void *)(uintptr_t)(at + p * PAGE), (q - p) * PAGE,
			    MADV_DONTNEED))
		return -1;
	if (vm->v.pages_offset != QRI_NO_PAGES)
		return read_at(fd, at + p * PAGE, (q - p) * PAGE,
			       vm->v.pages_offset + p * PAGE);
	for (size_t i = 0; i < vm->nruns; i++) {
		const struct qri_page_run *r = &vm->runs[i];
		uint64_t from = r->addr > a ? r->addr : a;
		uint64_t to = r->addr + r->count * PAGE < b ? r->addr + r->count * PAGE : b;

		if (r->kind == QRI_RUN_COPY && from < to &&
		    read_at(fd, at + (from - vm->v.start), to - from,
			    r->where + (from - r->addr)))
			return -1;
	}
	return 0;
}

/* Pages [p, q) are the parent's, which did not make them here (it was
 * restored earlier, or not at all): read from where an ancestor's are. */
static int fill_inherited(int fd, const struct qri_image *img,
			  const struct qri_proc_img *pr,
			  const struct qri_vma_img *vm, uint64_t at,
			  uint64_t p, uint64_t q)
{
	for (uint64_t k = p; k < q; k++) {
		uint64_t off;

		if (qri_inherited_offset(img, pr, vm, k, &off) ||
		    read_at(fd, at + k * PAGE, PAGE, off))
			return -1;
	}
	return 0;
}

static int fill(int fd, const struct qri_image *img,
		const struct qri_proc_img *pr, const struct qri_vma_img *vm,
		uint64_t at, bool kept)
{
	uint64_t pages = (vm->v.end - vm->v.start) / PAGE, next = 0;

	for (uint32_t r = 0; r <= vm->ninherit; r++) {
		uint64_t first = r < vm->ninherit ? vm->inherit[r].first : pages;

		if (next < first && fill_own(fd, vm, at, next, first, kept))
			return -1;
		if (r == vm->ninherit)
			break;
		next = first + vm->inherit[r].count;
		if (!kept && fill_inherited(fd, img, pr, vm, at, first, next))
			return -1;
	}
	return 0;
}

int qr_premap_make(const struct qri_image *img, const struct qr_tree *tree,
		   size_t i, const char *dir, struct qr_premaps *pm)
{
	const struct qri_proc_img *pr = &img->procs[i];
	struct qr_premaps own = { 0 };
	uint64_t (*areas)[2] = NULL;
	size_t nareas = 0;
	char path[4096];
	int fd = -1, rc = -1;

	for (size_t j = 0; j < pr->nvmas; j++) {
		const struct qri_vma_img *vm = &pr->vmas[j];
		const struct qr_premap *from;
		uint64_t at;

		if (!qri_vma_inheritable(vm) || !needed(img, tree, i, vm))
			continue;
		if (!own.p) {
			own.p = calloc(pr->nvmas, sizeof(*own.p));
			snprintf(path, sizeof(path), "%s/pages", dir);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			/* Small pages: zero copy's frames go into holes. */
			if (!own.p || fd < 0 || prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
				qr_error("restore: pid %u: pages shared with its parent or children: %s",
					 pr->p.pid, strerror(errno));
				goto out;
			}
		}
		from = qr_premap_find(pm, vm->v.start, vm->v.end);
		at = from ? from->at : 0;
		if (!at && !areas && !(areas = all_areas(img, &nareas))) {
			qr_error("restore: out of memory");
			goto out;
		}
		if (!at)
			at = new_place((const uint64_t (*)[2])areas, nareas,
				       vm->v.end - vm->v.start);
		if (!at || fill(fd, img, pr, vm, at, from != NULL)) {
			qr_error("restore: pid %u: area 0x%" PRIx64 "-0x%" PRIx64 " with pages shared with its parent or children: %s",
				 pr->p.pid, vm->v.start, vm->v.end,
				 at ? "its contents cannot be read" : "no room to make it");
			goto out;
		}
		own.p[own.n++] = (struct qr_premap){ vm->v.start, vm->v.end, at };
	}
	qr_premaps_free(pm);
	*pm = own;
	own.p = NULL;
	rc = 0;
out:
	free(own.p);
	free(areas);
	if (fd >= 0)
		close(fd);
	return rc;
}
