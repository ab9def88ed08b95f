/* Holding processes still for capture with pfncheck's freeze: every thread
 * parks in the kernel (TASK_IDLE) at its return to user mode. No parent
 * sees a stop, no signal (SIGKILL included) is delivered, and the module
 * records per thread what ptrace cannot read outside a ptrace stop
 * (registers, restart state, clear_child_tid, rseq). */
#ifndef QR_CHECKPOINT_FREEZE_H
#define QR_CHECKPOINT_FREEZE_H

#include <sys/types.h>

#include "quickreboot/pfncheck_abi.h"

struct qr_frozen {
	pid_t pid;
	struct pfncheck_thread *threads;	/* as PFNCHECK_IOC_THREADS gives them */
	int nthreads;
};

/* /dev/pfncheck, loading the module (libkmod) if it is not there. Returns
 * the fd, or -1 after printing why. */
int qr_pfncheck_open(void);

/* Freezes pid and reads its threads' records. Returns -1 after printing
 * why, with the process thawed again (as it was). */
int qr_freeze(int fd, pid_t pid, struct qr_frozen *f);

/* Wakes the process: it goes on as if nothing happened. */
void qr_thaw(int fd, struct qr_frozen *f);

/* Forgets the records; the process stays frozen (until kexec). */
void qr_frozen_free(struct qr_frozen *f);

#endif
