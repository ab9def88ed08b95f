/* A process's privileges, sandbox, scheduling and memory advice: capture
 * and check (checkpoint/attrs.c). */
#ifndef QR_CAPTURE_ATTRS_H
#define QR_CAPTURE_ATTRS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint/freeze.h"
#include "image/image.h"

/* QRI_CREDS, QRI_PROC_ATTRS, each thread's QRI_THREAD_SCHED, and the
 * seccomp filters read before the freeze (f->seccomp): after the thread
 * records. Returns -1 after printing what failed. */
int qr_capture_attrs(struct qri_writer *w, const struct qr_frozen *f);

/* What restore cannot carry of these: seccomp strict mode and filters
 * it cannot install again (checkpoint/seccomp.h), namespaces other than
 * init's, threads with other credentials, SCHED_DEADLINE, POSIX timers,
 * System V semaphores and message queues, a deleted cwd or root, memory
 * flags no call can set again. One line each; returns how many. */
int qr_check_attrs(pid_t pid);

/* Each area's madvise/mlock flags (smaps VmFlags) as QRI_ADV_*. */
struct qr_area_advice;
struct qr_advice {
	struct qr_area_advice *areas;
	size_t n;
};

int qr_advice_load(pid_t pid, struct qr_advice *adv);
uint32_t qr_advice_of(const struct qr_advice *adv, uint64_t start);
void qr_advice_free(struct qr_advice *adv);

#endif
