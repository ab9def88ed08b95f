/* See restore/signals.h. Raw system calls throughout: glibc's wrappers
 * would put their own restorer into sigactions and keep signals 32 and 33
 * for themselves, and the image holds the kernel's layouts already. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/signals.h"
#include "restore/timers.h"

_Static_assert(QR_RST_SIGINFO_SIZE == QRI_SIGINFO_SIZE, "siginfo size");

#define SIGSET_SIZE 8	/* the kernel's sigset_t on x86-64 */

static int set_actions(const struct qri_signals *s)
{
	for (int sig = 1; sig <= QRI_NSIG; sig++) {
		if (sig == QRI_SIGKILL || sig == QRI_SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, &s->actions[sig - 1], NULL,
			    SIGSET_SIZE)) {
			qr_error("restore: pid %u: action of signal %d: %s",
				 s->pid, sig, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * The kernel refuses a siginfo with si_code >= 0 (as kill() and the kernel
 * make them) from rt_sigqueueinfo for another process, but takes it for
 * the caller itself: this child already is the process, with its PID.
 * tid 0: the process's shared queue.
 */
static int queue(pid_t pid, pid_t tid, const struct qri_siginfo *in)
{
	int32_t signo;
	long rc;

	memcpy(&signo, in->b, sizeof(signo));
	if (tid)
		rc = syscall(SYS_rt_tgsigqueueinfo, pid, tid, signo, in->b);
	else
		rc = syscall(SYS_rt_sigqueueinfo, pid, signo, in->b);
	if (rc)
		qr_error("restore: pid %d: pending signal %d: %s", pid, signo,
			 strerror(errno));
	return rc ? -1 : 0;
}

static int set_rlimits(const struct qri_proc_img *pr)
{
	for (uint32_t i = 0; i < pr->nrlimits; i++) {
		struct rlimit l = { pr->rlimits[i].cur, pr->rlimits[i].max };

		/* One the New kernel does not know was never set by anyone
		 * who relies on it here: it cannot be set, nor read back. */
		if (i >= RLIM_NLIMITS)
			break;
		if (prlimit(0, i, &l, NULL)) {
			qr_error("restore: pid %u: resource limit %u: %s",
				 pr->p.pid, i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int set_itimers(const struct qri_signals *s)
{
	for (int i = 0; i < QRI_NITIMERS; i++) {
		struct qri_itimer t = s->itimers[i];

		/* A zero value is a disarmed timer, as this child's are,
		 * unless it has an interval: then it expired with its SIGALRM
		 * still pending, and the kernel would have armed it again
		 * when that signal was taken, from the interval that this
		 * child would not have without setitimer. */
		if (!t.value_sec && !t.value_usec) {
			if (!t.interval_sec && !t.interval_usec)
				continue;
			t.value_sec = t.interval_sec;
			t.value_usec = t.interval_usec;
		}
		/* struct itimerval on x86-64 is the image's layout. */
		if (syscall(SYS_setitimer, i, &t, NULL)) {
			qr_error("restore: pid %u: interval timer %d: %s",
				 s->pid, i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const struct qri_thread_img *main_thread(const struct qri_proc_img *pr)
{
	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].t.tid == pr->p.pid)
			return &pr->threads[i];
	return NULL;
}

int qr_restore_signals(const struct qri_proc_img *pr)
{
	const struct qri_thread_img *th = main_thread(pr);
	const struct qri_signals *s = pr->sig;
	uint64_t all = ~0ull;
	pid_t pid = pr->p.pid;

	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, SIGSET_SIZE)) {
		qr_error("restore: pid %d: blocking signals: %s", pid, strerror(errno));
		return -1;
	}
	/* Actions first: setting SIG_IGN discards what is pending for it. */
	if (s && set_actions(s))
		return -1;
	for (uint32_t i = 0; s && i < s->nr_pending; i++)
		if (queue(pid, 0, &pr->pending[i]))
			return -1;
	/* The other threads' own pending signals need their threads, which
	 * the restorer creates: qr_restore_plan_thread_signals. */
	for (uint32_t i = 0; th && th->sig && i < th->sig->nr_pending; i++)
		if (queue(pid, pid, &th->pending[i]))
			return -1;
	/* Limits after queueing: RLIMIT_SIGPENDING counts what is queued. */
	if (set_rlimits(pr))
		return -1;
	/* Timers last: they run from here on. */
	if (qr_restore_timers(pr))
		return -1;
	return s ? set_itimers(s) : 0;
}

static const struct qri_thread_img *thread_of(const struct qri_proc_img *pr,
					      int32_t tid)
{
	for (size_t i = 0; i < pr->nthreads; i++)
		if ((int32_t)pr->threads[i].t.tid == tid)
			return &pr->threads[i];
	return NULL;
}

int qr_restore_plan_thread_signals(struct qr_rst_args *a,
				   const struct qri_proc_img *pr)
{
	uint32_t used = 0;

	/* A parent-death signal goes with the parent: kept, it is this
	 * process's parent again; not kept, it died with the Old kernel and
	 * restore said so (restore.c). */
	for (uint32_t i = 0; getppid() == (pid_t)pr->p.ppid && i < a->nthreads; i++) {
		const struct qri_thread_img *th = thread_of(pr, a->threads[i].tid);

		a->threads[i].pdeath_signal = th && th->sig ? th->sig->pdeath_signal : 0;
	}

	for (uint32_t i = 1; i < a->nthreads; i++) {
		struct qr_rst_thread *t = &a->threads[i];
		const struct qri_thread_img *th = thread_of(pr, t->tid);
		uint32_t n = th && th->sig ? th->sig->nr_pending : 0;

		if (n > QR_RST_MAX_SIGQ - used) {
			qr_error("restore: pid %u: more than %d signals pending for its threads",
				 pr->p.pid, QR_RST_MAX_SIGQ);
			return -1;
		}
		if (n)
			memcpy(a->sigq[used], th->pending, (size_t)n * QRI_SIGINFO_SIZE);
		t->sigq_first = used;
		t->sigq_count = n;
		used += n;
	}
	return 0;
}
