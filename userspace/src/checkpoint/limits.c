/* A process's resource limits, by prlimit(2): user ABI for another
 * process, readable whatever holds it still. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "checkpoint/capture.h"
#include "lib/exit.h"

int qr_capture_rlimits(struct qri_writer *w, pid_t pid)
{
	struct qri_rlimit r[RLIM_NLIMITS];
	struct rlimit l;

	for (int i = 0; i < RLIM_NLIMITS; i++) {
		if (prlimit(pid, i, NULL, &l)) {
			qr_error("process %d: resource limit %d: %s", pid, i,
				 strerror(errno));
			return -1;
		}
		/* RLIM_INFINITY is all ones, like the image's. */
		r[i] = (struct qri_rlimit) { .cur = l.rlim_cur, .max = l.rlim_max };
	}
	qri_add_rlimits(w, pid, r, RLIM_NLIMITS);
	return 0;
}
