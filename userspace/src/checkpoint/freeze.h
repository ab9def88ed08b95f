/* Holding processes still for capture with pfncheck's freeze: every thread
 * parks in the kernel (TASK_IDLE) at its return to user mode. No parent
 * sees a stop, no signal (SIGKILL included) is delivered, and the module
 * records per thread what ptrace cannot read outside a ptrace stop
 * (registers, restart state, clear_child_tid, rseq). */
#ifndef QR_CHECKPOINT_FREEZE_H
#define QR_CHECKPOINT_FREEZE_H

#include <sys/types.h>

#include "quickreboot/pfncheck_abi.h"

struct qr_seccomp;

struct qr_frozen {
	pid_t pid;
	struct pfncheck_thread *threads;	/* as PFNCHECK_IOC_THREADS gives them */
	int nthreads;
	/* Its filters, read before the freeze (checkpoint/seccomp.h); NULL
	 * when it had none. Not owned. */
	const struct qr_seccomp *seccomp;
};

/* /dev/pfncheck, loading the module (libkmod) if it is not there. Returns
 * the fd, or -1 after printing why. */
int qr_pfncheck_open(void);

/* Freezes pid and reads its threads' records. Returns -1 after printing
 * why, with the process thawed again (as it was). */
int qr_freeze(int fd, pid_t pid, struct qr_frozen *f);

/* Wakes the process: it goes on as if nothing happened. */
void qr_thaw(int fd, struct qr_frozen *f);

/* Forgets the records; the process stays frozen (until kexec, once
 * committed). */
void qr_frozen_free(struct qr_frozen *f);

/* The freezes of fd belong to it: closed (or its process killed), the
 * module thaws them. Once the image is complete, this hands them over to
 * the module, to stay frozen until thawed or kexec. Returns -1 after
 * printing why: a process of the set was sent SIGKILL while frozen (it
 * must not come back in the New kernel; nothing is committed), or another
 * error. */
int qr_commit(int fd);

/* Thaws pid and every process frozen with it (its checkpoint's set, its
 * descendants included). Returns 0, 1 if pid is not frozen, or -1 after
 * printing why. */
int qr_thaw_set(int fd, pid_t pid, const char *who);

/* The last check before a kexec: refuses (-1, after printing why, naming
 * the process) if a frozen process was sent SIGKILL since its freeze: it
 * was killed in this kernel, and must not come back in the next. 0 if
 * none (or pfncheck is not loaded: nothing is frozen). */
int qr_frozen_killed_check(const char *who);

#endif
