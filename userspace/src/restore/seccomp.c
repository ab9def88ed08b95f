/* See restore/seccomp.h. Room: every thread's chain entries, then each
 * filter's program once (threads sharing a filter point at one copy). */
#include "restore/seccomp.h"

#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"

static const struct qri_thread_img *thread_of(const struct qri_proc_img *pr,
					      int32_t tid)
{
	for (size_t j = 0; j < pr->nthreads; j++)
		if (pr->threads[j].t.tid == (uint32_t)tid)
			return &pr->threads[j];
	return NULL;
}

static uint64_t entries(const struct qri_proc_img *pr)
{
	uint64_t n = 0;

	for (size_t j = 0; j < pr->nthreads; j++)
		if (pr->threads[j].seccomp)
			n += pr->filters[pr->threads[j].seccomp->top].depth;
	return n;
}

uint64_t qr_restore_seccomp_len(const struct qri_proc_img *pr)
{
	uint64_t len = entries(pr) * sizeof(struct qr_rst_filter);

	for (size_t i = 0; i < pr->nfilters; i++)
		len += pr->filters[i].f.ninsns * 8ull;
	return len;
}

int qr_restore_plan_seccomp(struct qr_rst_args *a, uint8_t *room,
			    const struct qri_proc_img *pr)
{
	struct qr_rst_filter *f = (struct qr_rst_filter *)room;
	uint8_t *insns = room + entries(pr) * sizeof(*f);
	uint64_t *at = calloc(pr->nfilters ? pr->nfilters : 1, sizeof(*at));
	uint32_t next = 0;

	if (!at) {
		qr_error("restore: pid %u: out of memory", pr->p.pid);
		return -1;
	}
	a->filters = (uintptr_t)f;
	/* The programs, by filter id. */
	for (size_t i = 0; i < pr->nfilters; i++) {
		at[i] = (uintptr_t)insns;
		memcpy(insns, pr->filters[i].insns, pr->filters[i].f.ninsns * 8ull);
		insns += pr->filters[i].f.ninsns * 8ull;
	}
	for (uint32_t i = 0; i < a->nthreads; i++) {
		const struct qri_thread_img *th = thread_of(pr, a->threads[i].tid);
		struct qr_rst_thread *t = &a->threads[i];
		uint32_t id, depth;

		if (!th || !th->seccomp)
			continue;
		id = th->seccomp->top;
		depth = pr->filters[id].depth;
		t->seccomp_first = next;
		t->seccomp_count = depth;
		/* Newest to oldest along prev, written oldest first. */
		for (uint32_t k = depth; k-- > 0; id = pr->filters[id].f.prev)
			f[next + k] = (struct qr_rst_filter){
				.insns = at[id],
				.len = pr->filters[id].f.ninsns,
				.flags = pr->filters[id].f.flags,
			};
		next += depth;
	}
	free(at);
	return 0;
}
