/* The image reader's seccomp records (image/format.h): filters a process
 * runs under, bounded as the kernel bounds them (instructions per filter
 * and per chain), each jump inside its program and the program ending in
 * a return, so that restore installs nothing the kernel would refuse half
 * way through a process. */
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_OP(code) ((code) & 0xf0)
#define BPF_JA 0x00

/* Every jump lands inside the program, and the program cannot run off
 * its end: its last instruction returns. */
static int insns_bad(const uint8_t *insns, uint32_t n)
{
	for (uint32_t pc = 0; pc < n; pc++) {
		const uint8_t *in = insns + (size_t)pc * 8;
		uint16_t code = (uint16_t)(in[0] | in[1] << 8);
		uint32_t k = (uint32_t)in[4] | (uint32_t)in[5] << 8 |
			(uint32_t)in[6] << 16 | (uint32_t)in[7] << 24;

		if (BPF_CLASS(code) != BPF_JMP)
			continue;
		if (BPF_OP(code) == BPF_JA ? k >= n - pc - 1 :
		    in[2] >= n - pc - 1 || in[3] >= n - pc - 1)
			return 1;
	}
	return BPF_CLASS(insns[(size_t)(n - 1) * 8]) != BPF_RET;
}

int qri_read_seccomp_filter(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left)
{
	struct qri_seccomp_filter f;
	struct qri_seccomp_img *s;
	struct qri_proc_img *pr;
	uint32_t path = 0, depth = 0;
	uint8_t *insns;

	memcpy(&f, fixed, sizeof(f));
	if (qri_owner(c, QRI_SECCOMP_FILTER, f.pid, &pr))
		return -1;
	if (f.id != pr->nfilters || f.id >= QRI_MAX_SECCOMP_FILTERS)
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 " is not its next (%zu), or one too many",
			   f.pid, f.id, pr->nfilters);
	if (f.prev != QRI_SECCOMP_NONE && f.prev >= f.id)
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 " follows %" PRIu32 ", not an earlier one",
			   f.pid, f.id, f.prev);
	if (f.flags & ~(uint32_t)QRI_SECCOMP_LOG)
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 ": unknown flags 0x%" PRIx32,
			   f.pid, f.id, f.flags);
	if (!f.ninsns || f.ninsns > QRI_MAX_BPF_INSNS ||
	    (uint64_t)f.ninsns * 8 != left)
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 ": %" PRIu32 " instructions do not fill the record, or are more than %d",
			   f.pid, f.id, f.ninsns, QRI_MAX_BPF_INSNS);
	if (f.prev != QRI_SECCOMP_NONE) {
		path = pr->filters[f.prev].path;
		depth = pr->filters[f.prev].depth;
	}
	path += f.ninsns + 4;
	if (path > QRI_MAX_SECCOMP_PATH)
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 ": its chain has %" PRIu32 " instructions, more than the kernel takes (%d)",
			   f.pid, f.id, path, QRI_MAX_SECCOMP_PATH);
	if (insns_bad(tail, f.ninsns))
		return BAD(c, QRI_SECCOMP_FILTER, "pid %" PRIu32 ": filter %" PRIu32 ": a jump out of the program, or no return at its end",
			   f.pid, f.id);
	if (qri_take_blob(c, QRI_SECCOMP_FILTER, "instructions", &tail, &left,
			  left, &insns))
		return -1;
	s = qri_grow((void **)&pr->filters, &pr->nfilters, sizeof(*s));
	if (!s) {
		free(insns);
		return qr_err_set(c->e, "out of memory");
	}
	s->f = f;
	s->insns = insns;
	s->path = path;
	s->depth = depth + 1;
	return 0;
}

int qri_read_thread_seccomp(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left)
{
	struct qri_thread_img *th = NULL;
	struct qri_thread_seccomp t;
	struct qri_proc_img *pr;

	(void)tail;
	memcpy(&t, fixed, sizeof(t));
	if (qri_owner(c, QRI_THREAD_SECCOMP, t.pid, &pr))
		return -1;
	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].t.tid == t.tid)
			th = &pr->threads[i];
	if (!th)
		return BAD(c, QRI_THREAD_SECCOMP, "pid %" PRIu32 ": tid %" PRIu32 " has no thread record before it",
			   t.pid, t.tid);
	if (th->seccomp)
		return BAD(c, QRI_THREAD_SECCOMP, "tid %" PRIu32 " has a second one", t.tid);
	if (left || t.top >= pr->nfilters)
		return BAD(c, QRI_THREAD_SECCOMP, "tid %" PRIu32 ": filter %" PRIu32 " is not one of its process's %zu",
			   t.tid, t.top, pr->nfilters);
	th->seccomp = malloc(sizeof(t));
	if (!th->seccomp)
		return qr_err_set(c->e, "out of memory");
	*th->seccomp = t;
	return 0;
}
