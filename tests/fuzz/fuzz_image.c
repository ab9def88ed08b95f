/* Fuzzes the image reader: no crash, no leak, and what it accepts is
 * consistent. The checksums would stop almost every mutation at the door,
 * so every other input gets its checksums sealed first: the fuzzer then
 * reaches the record parser. */
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "image/image.h"
#include "image/proc_tree.h"

static void check(const struct qri_image *img)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *p = &img->procs[i];

		if (!p->cwd || !p->root || p->nthreads == 0)
			abort();
		for (size_t j = 0; j < p->nvmas; j++)
			if (p->vmas[j].v.start >= p->vmas[j].v.end ||
			    (j && p->vmas[j].v.start < p->vmas[j - 1].v.end))
				abort();
		for (size_t j = 0; j < p->nfds; j++)
			if (p->fds[j].file >= img->nfiles)
				abort();
		if (p->mm && (p->mm->m.start_brk > p->mm->m.brk ||
			      p->mm->m.brk >= QRI_USER_LIMIT ||
			      (p->mm->exe && p->mm->exe[0] != '/')))
			abort();
		if (p->sig && (!p->pending || p->sig->actions[8].handler))
			abort();
		if (p->nrlimits && p->rlimits[p->nrlimits - 1].cur >
		    p->rlimits[p->nrlimits - 1].max)
			abort();
		if (p->creds && (p->creds->cap_eff & ~p->creds->cap_prm ||
				 p->creds->no_new_privs > 1 ||
				 (p->creds->ngroups && !p->groups)))
			abort();
		if (p->attrs && (p->attrs->oom_score_adj < -1000 ||
				 p->attrs->oom_score_adj > 1000))
			abort();
		for (size_t j = 0; j < p->nvmas; j++)
			if (p->vmas[j].v.advice & ~(uint32_t)QRI_ADV_KNOWN)
				abort();
		for (size_t j = 0; j < p->nthreads; j++)
			if (p->threads[j].sched &&
			    (!p->threads[j].cpus || p->threads[j].sched->nice < -20 ||
			     p->threads[j].sched->nice > 19 ||
			     p->threads[j].sched->ncpus > QRI_MAX_CPUS))
				abort();
		for (size_t j = 0; j < p->nthreads; j++)
			if ((p->threads[j].sig && !p->threads[j].pending) ||
			    (p->threads[j].restart &&
			     p->threads[j].restart->rmtp >= QRI_USER_LIMIT))
				abort();
	}
}

/* What restore plans from an accepted image: every process once in the
 * order, after its parent. */
static void plan_tree(const struct qri_image *img)
{
	size_t n = img->nprocs + img->nzombies;
	struct qr_tree_proc *p = calloc(n + 1, sizeof(*p));
	uint8_t *seen = calloc(n + 1, 1);
	struct qr_tree t;
	struct qr_err e;

	if (!p || !seen)
		abort();
	for (size_t i = 0; i < img->nprocs; i++)
		p[i] = (struct qr_tree_proc) { img->procs[i].p.pid,
			img->procs[i].p.ppid, img->procs[i].p.pgid,
			img->procs[i].p.sid };
	for (size_t i = 0; i < img->nzombies; i++)
		p[img->nprocs + i] = (struct qr_tree_proc) { img->zombies[i].pid,
			img->zombies[i].ppid, img->zombies[i].pgid,
			img->zombies[i].sid };
	if (qr_tree_plan(p, n, &t, &e) == 0) {
		for (size_t k = 0; k < t.n; k++) {
			size_t i = t.order[k];

			if (i >= t.n || seen[i] ||
			    (t.parent[i] >= 0 && !seen[t.parent[i]]))
				abort();
			seen[i] = 1;
		}
		qr_tree_free(&t);
	}
	free(seen);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct qri_header h;
	struct qri_image img;
	struct qr_err e;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (size >= sizeof(h) && (data[size - 1] & 1)) {
		memcpy(&h, buf, sizeof(h));
		h.total_size = size;
		h.body_crc32 = qr_crc32(0, buf + sizeof(h), size - sizeof(h));
		h.header_crc32 = 0;
		h.header_crc32 = qr_crc32(0, &h, sizeof(h));
		memcpy(buf, &h, sizeof(h));
	}
	if (qri_parse(buf, size, &img, &e) == 0) {
		check(&img);
		plan_tree(&img);
		qri_free(&img);
	}
	free(buf);
	return 0;
}
