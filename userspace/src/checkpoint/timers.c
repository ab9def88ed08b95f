/* POSIX timers (timer_create(2)): check reads /proc/PID/timers, which
 * names each timer's id, signal, notification and clock, and refuses what
 * restore cannot make again; the capture asks pfncheck for their time
 * left and interval (PFNCHECK_IOC_TIMERS), which only the process itself
 * could read. Restore: restore/timers.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "checkpoint/capture.h"
#include "lib/exit.h"
#include "lib/readfile.h"

static const char *clock_refusal(long clock)
{
	if (qri_timer_clock(clock))
		return NULL;
	if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		return "an alarm clock";
	return "a CPU-time clock";
}

/* One timer's lines: "ID: N\nsignal: S/PTR\nnotify: KIND/pid.N\nClockID: C". */
static int check_one(pid_t pid, const char *t)
{
	long id, clock, target;
	char kind[16], whose[4];
	const char *why;
	int sig;

	if (sscanf(t, "ID: %ld\nsignal: %d/%*s\nnotify: %15[a-z]/%3[a-z].%ld\nClockID: %ld",
		   &id, &sig, kind, whose, &target, &clock) != 6) {
		qr_error("process %d: /proc/%d/timers: a timer not understood: not carried",
			 pid, pid);
		return 1;
	}
	why = clock_refusal(clock);
	if (!why && strcmp(kind, "signal") && strcmp(kind, "none"))
		why = "a notification restore does not make (SIGEV_THREAD)";
	if (!why && !strcmp(whose, "tid") && target != pid)
		why = "a signal to a thread other than the main one (SIGEV_THREAD_ID, as glibc's SIGEV_THREAD timers)";
	if (!why && id > QRI_TIMER_ID_MAX)
		why = "an id above what restore makes again";
	if (!why)
		return 0;
	qr_error("process %d: POSIX timer %ld (clock %ld, %s/%s.%ld): %s: not carried",
		 pid, id, clock, kind, whose, target, why);
	return 1;
}

int qr_timers_check(pid_t pid)
{
	char *t = qr_read_proc(pid, "timers");
	int refused = 0;

	if (!t) {
		qr_error("process %d: /proc/%d/timers: %s: POSIX timers cannot be ruled out",
			 pid, pid, strerror(errno));
		return 1;
	}
	/* "ID: N" opens each timer ("ClockID:" is another line's key). */
	for (char *p = t; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "ID: ", 4))
			refused += check_one(pid, p);
	free(t);
	return refused;
}

/* The module's answer, with room for however many there are. */
static struct pfncheck_timer *read_timers(int fd, pid_t pid, uint32_t *n,
					  int32_t *next)
{
	struct pfncheck_timers q = { .pid = pid };
	struct pfncheck_timer *t = NULL;

	for (;;) {
		q.timers = (uintptr_t)t;
		if (!ioctl(fd, PFNCHECK_IOC_TIMERS, &q)) {
			*n = q.nr;
			*next = q.next_id;
			return t ? t : calloc(1, sizeof(*t));
		}
		free(t);
		if (errno != ENOSPC || q.nr > PFNCHECK_MAX_TIMERS)
			return NULL;
		q.cap = q.nr;
		t = calloc(q.cap, sizeof(*t));
		if (!t)
			return NULL;
	}
}

static int by_id(const void *a, const void *b)
{
	const struct qri_posix_timer *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int qr_capture_timers(struct qri_writer *w, int fd, pid_t pid)
{
	struct qri_timers h = { .pid = pid };
	struct qri_posix_timer *out;
	struct pfncheck_timer *t;
	struct timespec now;
	uint32_t n = 0;

	t = read_timers(fd, pid, &n, &h.next_id);
	clock_gettime(CLOCK_REALTIME, &now);
	if (!t) {
		qr_error("process %d: cannot read its POSIX timers: %s", pid,
			 strerror(errno));
		return -1;
	}
	out = calloc(n + 1, sizeof(*out));
	for (uint32_t i = 0; out && i < n; i++) {
		/* check refused these before the freeze: one made since. */
		if (!t[i].hrtimer || t[i].id < 0 || t[i].id >= h.next_id ||
		    h.next_id > QRI_TIMER_ID_MAX + 1 ||
		    (t[i].tid && t[i].tid != pid)) {
			qr_error("process %d: POSIX timer %d (clock %d): made while checkpointing, not one restore makes: not carried",
				 pid, t[i].id, t[i].clock);
			free(out);
			free(t);
			return -1;
		}
		out[i] = (struct qri_posix_timer){
			.id = t[i].id, .clock = t[i].clock,
			.notify = t[i].notify, .signo = t[i].signo,
			.sigev_value = t[i].sigev_value,
			.value_ns = t[i].value_ns, .interval_ns = t[i].interval_ns,
		};
	}
	free(t);
	if (!out) {
		qr_error("process %d: POSIX timers: out of memory", pid);
		return -1;
	}
	if (n) {
		qsort(out, n, sizeof(*out), by_id);
		h.count = n;
		h.realtime_ns = (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
		qri_add_timers(w, &h, out);
	}
	free(out);
	return 0;
}
