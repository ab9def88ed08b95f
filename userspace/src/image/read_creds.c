/* The image reader's credential and scheduling records (image/format.h):
 * every value is one the kernel could have given, so that restore hands
 * it no capability, group, policy or priority out of range. */
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

int qri_read_creds(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left)
{
	struct qri_proc_img *pr;
	struct qri_creds k;

	memcpy(&k, fixed, sizeof(k));
	if (qri_owner(c, QRI_CREDS, k.pid, &pr))
		return -1;
	if (pr->creds)
		return BAD(c, QRI_CREDS, "pid %" PRIu32 " has a second one", k.pid);
	if (k.no_new_privs > 1)
		return BAD(c, QRI_CREDS, "pid %" PRIu32 ": no_new_privs %" PRIu32 " is not 0 or 1",
			   k.pid, k.no_new_privs);
	if (k.cap_eff & ~k.cap_prm || k.cap_amb & ~(k.cap_prm & k.cap_inh))
		return BAD(c, QRI_CREDS, "pid %" PRIu32 ": effective or ambient capabilities outside the permitted ones",
			   k.pid);
	if (k.ngroups > QRI_MAX_GROUPS ||
	    (uint64_t)k.ngroups * sizeof(uint32_t) != left)
		return BAD(c, QRI_CREDS, "pid %" PRIu32 ": %" PRIu32 " groups do not fill the record",
			   k.pid, k.ngroups);
	for (uint32_t i = 0; i < k.ngroups; i++) {
		uint32_t g;

		memcpy(&g, tail + (size_t)i * sizeof(g), sizeof(g));
		if (g == UINT32_MAX)	/* (gid_t)-1: no group */
			return BAD(c, QRI_CREDS, "pid %" PRIu32 ": group %" PRIu32 " is not a group id",
				   k.pid, i);
	}
	if (qri_take_blob(c, QRI_CREDS, "groups", &tail, &left, left,
			  (uint8_t **)&pr->groups))
		return -1;
	pr->creds = malloc(sizeof(k));
	if (!pr->creds)
		return qr_err_set(c->e, "out of memory");
	*pr->creds = k;
	return 0;
}

int qri_read_proc_attrs(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left)
{
	struct qri_proc_attrs a;
	struct qri_proc_img *pr;

	(void)tail;
	memcpy(&a, fixed, sizeof(a));
	if (qri_owner(c, QRI_PROC_ATTRS, a.pid, &pr))
		return -1;
	if (pr->attrs)
		return BAD(c, QRI_PROC_ATTRS, "pid %" PRIu32 " has a second one", a.pid);
	if (left || a.oom_score_adj < -1000 || a.oom_score_adj > 1000 ||
	    a.thp_disabled > 1)
		return BAD(c, QRI_PROC_ATTRS, "pid %" PRIu32 ": oom_score_adj %" PRId32 " or THP disable %" PRIu32 " out of range",
			   a.pid, a.oom_score_adj, a.thp_disabled);
	pr->attrs = malloc(sizeof(a));
	if (!pr->attrs)
		return qr_err_set(c->e, "out of memory");
	*pr->attrs = a;
	return 0;
}

int qri_read_thread_sched(struct qri_cursor *c, const void *fixed,
			  const uint8_t *tail, size_t left)
{
	struct qri_thread_img *th = NULL;
	struct qri_thread_sched s;
	struct qri_proc_img *pr;
	uint32_t policy;
	bool rt, any = false;

	memcpy(&s, fixed, sizeof(s));
	if (qri_owner(c, QRI_THREAD_SCHED, s.pid, &pr))
		return -1;
	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].t.tid == s.tid)
			th = &pr->threads[i];
	if (!th)
		return BAD(c, QRI_THREAD_SCHED, "pid %" PRIu32 ": tid %" PRIu32 " has no thread record before it",
			   s.pid, s.tid);
	if (th->sched)
		return BAD(c, QRI_THREAD_SCHED, "tid %" PRIu32 " has a second one", s.tid);
	policy = s.policy & ~(uint32_t)QRI_SCHED_RESET_ON_FORK;
	rt = policy == QRI_SCHED_FIFO || policy == QRI_SCHED_RR;
	if ((policy != QRI_SCHED_OTHER && !rt && policy != QRI_SCHED_BATCH &&
	     policy != QRI_SCHED_IDLE) ||
	    (rt ? s.rt_priority < 1 || s.rt_priority > 99 : s.rt_priority != 0) ||
	    s.nice < -20 || s.nice > 19 || s.ioprio >> 13 > 3 ||
	    (s.ioprio & 0x1fff) > 7 || !s.timerslack_ns)
		return BAD(c, QRI_THREAD_SCHED, "tid %" PRIu32 ": policy %" PRIu32 " priority %" PRIu32 " nice %" PRId32 " I/O priority 0x%" PRIx32 " timer slack %" PRIu64 " is not one the kernel gives",
			   s.tid, s.policy, s.rt_priority, s.nice, s.ioprio,
			   s.timerslack_ns);
	if (!s.ncpus || s.ncpus % 64 || s.ncpus > QRI_MAX_CPUS ||
	    s.ncpus / 8 != left)
		return BAD(c, QRI_THREAD_SCHED, "tid %" PRIu32 ": an affinity of %" PRIu32 " CPUs does not fill the record",
			   s.tid, s.ncpus);
	for (size_t i = 0; i < left; i++)
		any |= tail[i] != 0;
	if (!any)
		return BAD(c, QRI_THREAD_SCHED, "tid %" PRIu32 ": affinity names no CPU",
			   s.tid);
	if (qri_take_blob(c, QRI_THREAD_SCHED, "affinity", &tail, &left, left,
			  &th->cpus))
		return -1;
	th->sched = malloc(sizeof(s));
	if (!th->sched)
		return qr_err_set(c->e, "out of memory");
	*th->sched = s;
	return 0;
}
