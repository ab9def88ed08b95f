/* A thread frozen in nanosleep or a relative clock_nanosleep: the kernel
 * would continue the sleep from its restart_block (pfncheck's thread
 * record gives its clock and absolute expiry); the image carries the time
 * left instead (image/format.h, QRI_THREAD_RESTART). Other restart blocks
 * (futex and poll timeouts, CPU and alarm clocks, 32-bit callers) are not
 * carried: restore returns EINTR to those calls. */
#include <time.h>

#include "checkpoint/capture.h"

#define ERESTART_RESTARTBLOCK 516

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int qr_capture_restart(struct qri_writer *w, pid_t pid,
		       const struct pfncheck_thread *pt)
{
	struct qri_thread_restart r = {
		.pid = pid, .tid = pt->tid, .kind = QRI_RESTART_NANOSLEEP,
		.clockid = pt->clockid,
		.rmtp = pt->rmtp_type == PFNCHECK_RMTP_NATIVE ? pt->rmtp : 0,
	};
	struct timespec now, real;
	int64_t left;

	if (pt->syscall_ret != -ERESTART_RESTARTBLOCK ||
	    pt->restart_kind != PFNCHECK_RESTART_NANOSLEEP ||
	    pt->rmtp_type == PFNCHECK_RMTP_COMPAT ||
	    clock_gettime(pt->clockid, &now) || clock_gettime(CLOCK_REALTIME, &real))
		return 0;
	left = (int64_t)pt->expires_ns - ns_of(&now);
	if (left < 0)
		left = 0;
	switch (pt->clockid) {
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		r.left_ns = left;
		break;
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		r.realtime_ns = ns_of(&real) + left;
		break;
	default:
		return 0;
	}
	qri_add_thread_restart(w, &r);
	return 0;
}
