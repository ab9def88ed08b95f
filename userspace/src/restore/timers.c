/* See timers.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/timers.h"

#define NS 1000000000ull

uint64_t qr_timer_left(const struct qri_posix_timer *t, uint64_t elapsed_ns)
{
	uint64_t over;

	if (!t->value_ns || t->value_ns > elapsed_ns)
		return t->value_ns ? t->value_ns - elapsed_ns : 0;
	if (!t->interval_ns)
		return 1;
	over = (elapsed_ns - t->value_ns) % t->interval_ns;
	return t->interval_ns - over;
}

/* timer_create(2) as the kernel takes it: the id it gives, or -1. */
static int make(const struct qri_posix_timer *t)
{
	struct sigevent ev = {
		.sigev_notify = t->notify,
		.sigev_signo = t->signo,
		.sigev_value.sival_ptr = (void *)(uintptr_t)t->sigev_value,
	};
	int id;

	/* Only the main thread is named (check refuses others). */
	if (t->notify == QRI_SIGEV_THREAD_ID)
		ev._sigev_un._tid = getpid();
	if (syscall(SYS_timer_create, t->clock, &ev, &id))
		return -1;
	return id;
}

/* The kernel gives ids in increasing order: a timer made with a lower
 * one is deleted, and made again. */
static int make_with_id(const struct qri_proc_img *pr,
			const struct qri_posix_timer *t)
{
	for (;;) {
		int id = make(t);

		if (id == t->id)
			return 0;
		if (id >= 0)
			syscall(SYS_timer_delete, id);
		if (id < 0 || id > t->id) {
			qr_error("restore: pid %u: POSIX timer %d: %s", pr->p.pid,
				 t->id, id < 0 ? strerror(errno) : "its id is taken");
			return -1;
		}
	}
}

/* Ids up to the one the next timer got in the Old kernel, used up. */
static int skip_to(const struct qri_proc_img *pr)
{
	const struct qri_posix_timer filler = {
		.clock = QRI_CLOCK_MONOTONIC, .notify = QRI_SIGEV_NONE,
	};
	int id = pr->timers->count ? pr->timer[pr->timers->count - 1].id : -1;

	while (id + 1 < pr->timers->next_id) {
		id = make(&filler);
		if (id < 0) {
			qr_error("restore: pid %u: POSIX timer ids up to %d: %s",
				 pr->p.pid, pr->timers->next_id, strerror(errno));
			return -1;
		}
		syscall(SYS_timer_delete, id);
	}
	return 0;
}

int qr_restore_timers(const struct qri_proc_img *pr)
{
	uint64_t now_ns, elapsed;
	struct timespec now;

	if (!pr->timers)
		return 0;
	for (uint32_t i = 0; i < pr->timers->count; i++)
		if (make_with_id(pr, &pr->timer[i]))
			return -1;
	if (skip_to(pr))
		return -1;
	/* Armed last, all together: they run from here on. */
	clock_gettime(CLOCK_REALTIME, &now);
	now_ns = (uint64_t)now.tv_sec * NS + (uint64_t)now.tv_nsec;
	elapsed = now_ns > pr->timers->realtime_ns ?
		now_ns - pr->timers->realtime_ns : 0;
	for (uint32_t i = 0; i < pr->timers->count; i++) {
		const struct qri_posix_timer *t = &pr->timer[i];
		uint64_t left = qr_timer_left(t, elapsed);
		struct itimerspec its = {
			.it_value = { left / NS, left % NS },
			.it_interval = { t->interval_ns / NS, t->interval_ns % NS },
		};

		if (left && syscall(SYS_timer_settime, t->id, 0, &its, NULL)) {
			qr_error("restore: pid %u: POSIX timer %d: arming it: %s",
				 pr->p.pid, t->id, strerror(errno));
			return -1;
		}
	}
	return 0;
}
