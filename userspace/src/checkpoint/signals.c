/* Signal state of a frozen process from pfncheck (PFNCHECK_IOC_SIGSTATE):
 * no user ABI gives another process's actions, interval timers,
 * sigaltstacks or the siginfo of its pending signals, nor its
 * parent-death signals, child subreaper flag and membarrier registrations,
 * which come with them. The module answers
 * in user ABI terms, which the image keeps as they are. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "checkpoint/capture.h"
#include "lib/exit.h"
#include "restorer/restorer.h"

_Static_assert(sizeof(struct pfncheck_siginfo) == QRI_SIGINFO_SIZE, "siginfo");
_Static_assert(sizeof(struct pfncheck_sigaction) == sizeof(struct qri_sigaction),
	       "sigaction");
_Static_assert(sizeof(struct pfncheck_itimerval) == sizeof(struct qri_itimer),
	       "itimerval");

struct sigstate {
	struct pfncheck_sigstate s;
	struct qri_sigaction actions[QRI_NSIG];
	struct qri_siginfo *pending;	/* s.nr_pending, then s.nr_shared */
};

/* One thread's answer, with room for however many signals are pending. */
static int sigstate(int fd, pid_t pid, pid_t tid, struct sigstate *st)
{
	uint32_t cap = 16;

	for (;;) {
		st->pending = malloc(cap * sizeof(*st->pending));
		if (!st->pending)
			return -1;
		st->s = (struct pfncheck_sigstate) {
			.pid = pid, .tid = tid, .pending_cap = cap,
			.pending = (uintptr_t)st->pending,
			.actions = (uintptr_t)st->actions,
		};
		if (!ioctl(fd, PFNCHECK_IOC_SIGSTATE, &st->s))
			return 0;
		free(st->pending);
		st->pending = NULL;
		if (errno != ENOSPC || cap >= PFNCHECK_MAX_PENDING)
			return -1;
		/* More may arrive meanwhile: leave some room. */
		cap = st->s.nr_pending + st->s.nr_shared + 16;
		if (cap > PFNCHECK_MAX_PENDING)
			cap = PFNCHECK_MAX_PENDING;
	}
}

static void add_process(struct qri_writer *w, pid_t pid,
			const struct sigstate *st)
{
	struct qri_signals s = { .pid = pid, .nr_pending = st->s.nr_shared };

	memcpy(s.actions, st->actions, sizeof(s.actions));
	memcpy(s.itimers, st->s.itimers, sizeof(s.itimers));
	s.child_subreaper = st->s.child_subreaper;
	s.membarrier = st->s.membarrier;
	qri_add_signals(w, &s, st->pending + st->s.nr_pending);
}

static void add_thread(struct qri_writer *w, pid_t pid, pid_t tid,
		       const struct sigstate *st)
{
	struct qri_thread_signals t = {
		.pid = pid, .tid = tid, .ss_flags = st->s.ss_flags,
		.ss_sp = st->s.ss_sp, .ss_size = st->s.ss_size,
		.nr_pending = st->s.nr_pending,
		.pdeath_signal = st->s.pdeath_signal,
	};

	qri_add_thread_signals(w, &t, st->pending);
}

int qr_capture_signals(struct qri_writer *w, int fd, const struct qr_frozen *f)
{
	struct sigstate *st = malloc(sizeof(*st));
	uint32_t threads_pending = 0;
	int have_process = 0;

	if (!st)
		return -1;
	for (int i = 0; i < f->nthreads; i++) {
		pid_t tid = f->threads[i].tid;

		if (f->threads[i].state != PFNCHECK_THREAD_PARKED)
			continue;
		if (sigstate(fd, f->pid, tid, st)) {
			qr_error("thread %d: cannot read its signal state: %s", tid,
				 strerror(errno));
			free(st);
			return -1;
		}
		/* The process's part is the same from every thread. */
		if (!have_process++)
			add_process(w, f->pid, st);
		add_thread(w, f->pid, tid, st);
		if (tid != f->pid)
			threads_pending += st->s.nr_pending;
		free(st->pending);
	}
	free(st);
	/* The restorer queues the other threads' own signals from a table
	 * of fixed size: refused now rather than after the kexec. */
	if (threads_pending > QR_RST_MAX_SIGQ) {
		qr_error("process %d: %u signals pending for its threads other than the main one, more than %d can be restored",
			 f->pid, threads_pending, QR_RST_MAX_SIGQ);
		return -1;
	}
	return 0;
}
