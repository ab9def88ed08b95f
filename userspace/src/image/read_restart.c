/* The image reader's interrupted-sleep record (image/format.h,
 * QRI_THREAD_RESTART): what restore hands to clock_nanosleep must be a
 * sleep the kernel could have been in. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

static bool restarting_clock(int32_t clockid)
{
	return clockid == QRI_CLOCK_MONOTONIC || clockid == QRI_CLOCK_BOOTTIME;
}

static bool realtime_clock(int32_t clockid)
{
	return clockid == QRI_CLOCK_REALTIME || clockid == QRI_CLOCK_TAI;
}

int qri_read_thread_restart(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left)
{
	struct qri_thread_restart r;
	struct qri_thread_img *th = NULL;
	struct qri_proc_img *pr;

	(void)tail;
	memcpy(&r, fixed, sizeof(r));
	if (qri_owner(c, QRI_THREAD_RESTART, r.pid, &pr))
		return -1;
	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].t.tid == r.tid)
			th = &pr->threads[i];
	if (!th)
		return BAD(c, QRI_THREAD_RESTART, "pid %" PRIu32 ": tid %" PRIu32 " has no thread record before it",
			   r.pid, r.tid);
	if (th->restart)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 " has a second one", r.tid);
	if (left)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 ": %zu bytes after the record",
			   r.tid, left);
	if (r.kind != QRI_RESTART_NANOSLEEP)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 ": unknown kind %" PRIu32,
			   r.tid, r.kind);
	if (restarting_clock(r.clockid) ? r.realtime_ns != 0 :
	    !realtime_clock(r.clockid) || r.left_ns != 0)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 ": clock %" PRId32 " with time left %" PRIu64 " and expiry %" PRIu64 " is not a sleep",
			   r.tid, r.clockid, r.left_ns, r.realtime_ns);
	if (r.left_ns > INT64_MAX || r.realtime_ns > INT64_MAX)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 ": time out of range", r.tid);
	if (r.rmtp >= QRI_USER_LIMIT - 16)
		return BAD(c, QRI_THREAD_RESTART, "tid %" PRIu32 ": 0x%" PRIx64 " is not a user address",
			   r.tid, r.rmtp);
	th->restart = malloc(sizeof(r));
	if (!th->restart)
		return qr_err_set(c->e, "out of memory");
	*th->restart = r;
	return 0;
}
