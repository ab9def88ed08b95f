/* The image reader's per-process kernel state records: memory fields,
 * signals, resource limits, a thread's own signals (image/format.h). Like
 * the rest of the reader it trusts nothing: every value that restore hands
 * to the kernel is checked to be one the kernel could have given. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

int qri_read_mm(struct qri_cursor *c, const void *fixed, const uint8_t *tail,
		size_t left)
{
	struct qri_proc_img *pr;
	struct qri_mm_img *mi;
	struct qri_mm m;

	memcpy(&m, fixed, sizeof(m));
	const uint64_t addr[] = { m.start_code, m.end_code, m.start_data,
		m.end_data, m.start_brk, m.brk, m.start_stack, m.arg_start,
		m.arg_end, m.env_start, m.env_end };

	if (qri_owner(c, QRI_MM, m.pid, &pr))
		return -1;
	if (pr->mm)
		return BAD(c, QRI_MM, "pid %" PRIu32 " has a second one", m.pid);
	if ((uint64_t)m.auxv_len + m.exe_len != left ||
	    m.auxv_len > QRI_MAX_AUXV || m.auxv_len % 16)
		return BAD(c, QRI_MM, "pid %" PRIu32 ": auxv of %" PRIu32 " bytes and path of %" PRIu32 " do not fit",
			   m.pid, m.auxv_len, m.exe_len);
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++)
		if (addr[i] >= QRI_USER_LIMIT)
			return BAD(c, QRI_MM, "pid %" PRIu32 ": field %zu is not a user address",
				   m.pid, i);
	if (m.start_code > m.end_code || m.start_data > m.end_data ||
	    m.start_brk > m.brk || m.arg_start > m.arg_end ||
	    m.env_start > m.env_end)
		return BAD(c, QRI_MM, "pid %" PRIu32 ": fields out of order", m.pid);
	mi = calloc(1, sizeof(*mi));
	if (!mi)
		return qr_err_set(c->e, "out of memory");
	pr->mm = mi;
	mi->m = m;
	if (qri_take_blob(c, QRI_MM, "auxv", &tail, &left, m.auxv_len, &mi->auxv))
		return -1;
	if (m.exe_len &&
	    qri_take_path(c, QRI_MM, "executable", &tail, &left, m.exe_len, &mi->exe))
		return -1;
	return 0;
}

static bool user_addr(uint64_t a)
{
	return a < QRI_USER_LIMIT;
}

/* nr siginfos that fill the tail exactly, each a signal one can queue. */
static int take_pending(struct qri_cursor *c, int type, uint32_t pid,
			uint32_t nr, const uint8_t *tail, size_t left,
			struct qri_siginfo **out)
{
	int32_t signo;

	if (nr > QRI_MAX_PENDING || (uint64_t)nr * QRI_SIGINFO_SIZE != left)
		return BAD(c, type, "pid %" PRIu32 ": %" PRIu32 " pending signals do not fill the record",
			   pid, nr);
	for (uint32_t i = 0; i < nr; i++) {
		memcpy(&signo, tail + (size_t)i * QRI_SIGINFO_SIZE, sizeof(signo));
		if (signo < 1 || signo > QRI_NSIG || signo == QRI_SIGKILL ||
		    signo == QRI_SIGSTOP)
			return BAD(c, type, "pid %" PRIu32 ": pending signal %" PRId32 " cannot be queued",
				   pid, signo);
	}
	return qri_take_blob(c, type, "pending signals", &tail, &left, left,
			     (uint8_t **)out);
}

static int check_itimer(struct qri_cursor *c, uint32_t pid,
			const struct qri_itimer *t)
{
	if (t->interval_sec < 0 || t->value_sec < 0 ||
	    t->interval_usec < 0 || t->interval_usec >= 1000000 ||
	    t->value_usec < 0 || t->value_usec >= 1000000)
		return BAD(c, QRI_SIGNALS, "pid %" PRIu32 ": an interval timer is not a valid itimerval",
			   pid);
	return 0;
}

int qri_read_signals(struct qri_cursor *c, const void *fixed,
		     const uint8_t *tail, size_t left)
{
	struct qri_proc_img *pr;
	struct qri_signals *s = malloc(sizeof(*s));

	if (!s)
		return qr_err_set(c->e, "out of memory");
	memcpy(s, fixed, sizeof(*s));
	if (qri_owner(c, QRI_SIGNALS, s->pid, &pr))
		goto bad;
	if (pr->sig) {
		BAD(c, QRI_SIGNALS, "pid %" PRIu32 " has a second one", s->pid);
		goto bad;
	}
	for (int i = 0; i < QRI_NSIG; i++) {
		const struct qri_sigaction *a = &s->actions[i];
		bool fixed_dfl = i + 1 == QRI_SIGKILL || i + 1 == QRI_SIGSTOP;

		if (!user_addr(a->handler) || !user_addr(a->restorer) ||
		    a->flags >> 32 || (fixed_dfl && a->handler)) {
			BAD(c, QRI_SIGNALS, "pid %" PRIu32 ": the action of signal %d is not one the kernel takes",
			    s->pid, i + 1);
			goto bad;
		}
	}
	for (int i = 0; i < QRI_NITIMERS; i++)
		if (check_itimer(c, s->pid, &s->itimers[i]))
			goto bad;
	if (s->child_subreaper > 1 || s->membarrier & ~QRI_MEMBARRIER_KNOWN) {
		BAD(c, QRI_SIGNALS, "pid %" PRIu32 ": child subreaper %" PRIu32 " or membarrier registrations 0x%" PRIx32 " not known",
		    s->pid, s->child_subreaper, s->membarrier);
		goto bad;
	}
	if (take_pending(c, QRI_SIGNALS, s->pid, s->nr_pending, tail, left,
			 &pr->pending))
		goto bad;
	pr->sig = s;
	return 0;
bad:
	free(s);
	return -1;
}

bool qri_timer_clock(int32_t clock)
{
	return clock == QRI_CLOCK_REALTIME || clock == QRI_CLOCK_MONOTONIC ||
		clock == QRI_CLOCK_BOOTTIME || clock == QRI_CLOCK_TAI;
}

static int check_timer(struct qri_cursor *c, uint32_t pid, int32_t after,
		       const struct qri_posix_timer *t)
{
	bool none = t->notify == QRI_SIGEV_NONE;

	if (t->id <= after || t->id > QRI_TIMER_ID_MAX)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 ": timer id %" PRId32 " out of order or above %d",
			   pid, t->id, QRI_TIMER_ID_MAX);
	if (!qri_timer_clock(t->clock) ||
	    (!none && t->notify != QRI_SIGEV_SIGNAL &&
	     t->notify != QRI_SIGEV_THREAD_ID) ||
	    t->signo < 0 || t->signo > QRI_NSIG || (!none && !t->signo) ||
	    t->value_ns >= QRI_TIMER_MAX_NS || t->interval_ns >= QRI_TIMER_MAX_NS)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 ": timer %" PRId32 " (clock %" PRId32 ", notify %" PRId32 ", signal %" PRId32 ") is not one restore makes",
			   pid, t->id, t->clock, t->notify, t->signo);
	return 0;
}

int qri_read_timers(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left)
{
	struct qri_posix_timer t;
	struct qri_proc_img *pr;
	struct qri_timers h;
	int32_t after = -1;

	memcpy(&h, fixed, sizeof(h));
	if (qri_owner(c, QRI_TIMERS, h.pid, &pr))
		return -1;
	if (pr->timers)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 " has a second one", h.pid);
	if (h.count > QRI_TIMER_ID_MAX + 1 || (uint64_t)h.count * sizeof(t) != left)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 ": %" PRIu32 " timers do not fill the record",
			   h.pid, h.count);
	if (h.next_id < 0 || h.next_id > QRI_TIMER_ID_MAX + 1)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 ": next timer id %" PRId32 " out of range",
			   h.pid, h.next_id);
	for (uint32_t i = 0; i < h.count; i++) {
		memcpy(&t, tail + i * sizeof(t), sizeof(t));
		if (check_timer(c, h.pid, after, &t))
			return -1;
		after = t.id;
	}
	if (after >= h.next_id)
		return BAD(c, QRI_TIMERS, "pid %" PRIu32 ": next timer id %" PRId32 " is not above timer %" PRId32,
			   h.pid, h.next_id, after);
	if (qri_take_blob(c, QRI_TIMERS, "timers", &tail, &left, left,
			  (uint8_t **)&pr->timer))
		return -1;
	pr->timers = malloc(sizeof(h));
	if (!pr->timers)
		return qr_err_set(c->e, "out of memory");
	*pr->timers = h;
	return 0;
}

int qri_read_rlimits(struct qri_cursor *c, const void *fixed,
		     const uint8_t *tail, size_t left)
{
	struct qri_proc_img *pr;
	struct qri_rlimits r;
	struct qri_rlimit l;

	memcpy(&r, fixed, sizeof(r));
	if (qri_owner(c, QRI_RLIMITS, r.pid, &pr))
		return -1;
	if (pr->rlimits)
		return BAD(c, QRI_RLIMITS, "pid %" PRIu32 " has a second one", r.pid);
	if (r.count > QRI_MAX_RLIMITS || (uint64_t)r.count * sizeof(l) != left)
		return BAD(c, QRI_RLIMITS, "pid %" PRIu32 ": %" PRIu32 " limits do not fill the record",
			   r.pid, r.count);
	for (uint32_t i = 0; i < r.count; i++) {
		memcpy(&l, tail + i * sizeof(l), sizeof(l));
		if (l.cur > l.max)
			return BAD(c, QRI_RLIMITS, "pid %" PRIu32 ": limit %" PRIu32 " is above its maximum",
				   r.pid, i);
	}
	if (qri_take_blob(c, QRI_RLIMITS, "limits", &tail, &left, left,
			  (uint8_t **)&pr->rlimits))
		return -1;
	pr->nrlimits = r.count;
	return 0;
}

static struct qri_thread_img *find_thread(struct qri_proc_img *pr, uint32_t tid)
{
	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].t.tid == tid)
			return &pr->threads[i];
	return NULL;
}

int qri_read_thread_signals(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left)
{
	struct qri_thread_signals s;
	struct qri_thread_img *th;
	struct qri_proc_img *pr;
	uint32_t how;

	memcpy(&s, fixed, sizeof(s));
	if (qri_owner(c, QRI_THREAD_SIGNALS, s.pid, &pr))
		return -1;
	th = find_thread(pr, s.tid);
	if (!th)
		return BAD(c, QRI_THREAD_SIGNALS, "pid %" PRIu32 ": tid %" PRIu32 " has no thread record before it",
			   s.pid, s.tid);
	if (s.pdeath_signal < 0 || s.pdeath_signal > QRI_NSIG)
		return BAD(c, QRI_THREAD_SIGNALS, "tid %" PRIu32 ": parent-death signal %" PRId32 " is not a signal",
			   s.tid, s.pdeath_signal);
	if (th->sig)
		return BAD(c, QRI_THREAD_SIGNALS, "tid %" PRIu32 " has a second one", s.tid);
	how = s.ss_flags & ~QRI_SS_AUTODISARM;
	if ((how != 0 && how != QRI_SS_ONSTACK && how != QRI_SS_DISABLE) ||
	    (how == QRI_SS_DISABLE ? s.ss_sp || s.ss_size :
	     !s.ss_size || s.ss_size > QRI_USER_LIMIT ||
	     s.ss_sp > QRI_USER_LIMIT - s.ss_size))
		return BAD(c, QRI_THREAD_SIGNALS, "tid %" PRIu32 ": alternate signal stack 0x%" PRIx64 "+0x%" PRIx64 " flags 0x%" PRIx32 " is not valid",
			   s.tid, s.ss_sp, s.ss_size, s.ss_flags);
	if (take_pending(c, QRI_THREAD_SIGNALS, s.pid, s.nr_pending, tail, left,
			 &th->pending))
		return -1;
	th->sig = malloc(sizeof(s));
	if (!th->sig)
		return qr_err_set(c->e, "out of memory");
	*th->sig = s;
	/*
	 * Restore takes every thread's sigaltstack from its thread record:
	 * this one supersedes it. SS_ONSTACK only says where the thread was;
	 * sigaltstack(2) would take it as 0 but keep reporting it.
	 */
	th->t.sigaltstack_sp = s.ss_sp;
	th->t.sigaltstack_size = s.ss_size;
	th->t.sigaltstack_flags = s.ss_flags & ~(uint32_t)QRI_SS_ONSTACK;
	return 0;
}
