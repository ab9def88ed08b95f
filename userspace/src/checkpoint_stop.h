/* Stopping a process for capture, for now with ptrace: PTRACE_SEIZE and
 * PTRACE_INTERRUPT on every thread (the pfncheck freeze replaces this
 * later; capture does not depend on how the threads were stopped). */
#ifndef QR_CHECKPOINT_STOP_H
#define QR_CHECKPOINT_STOP_H

#include <sys/types.h>

struct qr_stopped {
	pid_t pid;
	pid_t *tids;
	int ntids;
};

/* Stops every thread of pid; threads born meanwhile are caught by listing
 * them again until the list holds still. Returns -1 after printing why,
 * with whatever it stopped released. */
int qr_stop(pid_t pid, struct qr_stopped *s);

/* Lets the threads go. keep_stopped: a SIGSTOP is queued first, so the
 * process group-stops before it runs one more instruction (it stays
 * stopped after quickreboot exits); else it simply continues. */
void qr_release(struct qr_stopped *s, int keep_stopped);

#endif
