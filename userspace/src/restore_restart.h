/* The kernel's system call restart rules, applied to saved registers. */
#ifndef QR_RESTORE_RESTART_H
#define QR_RESTORE_RESTART_H

#include <sys/user.h>

enum qr_restart {
	QR_RESTART_NONE,	/* not stopped in a system call, or it finished */
	QR_RESTART_AGAIN,	/* the system call is executed again */
	QR_RESTART_EINTR,	/* it returns EINTR */
};

/* A thread stopped while the kernel was leaving a system call that a
 * signal interrupted carries -ERESTART* in ax and the call's number in
 * orig_ax (which is -1 outside system calls): the kernel would restart it
 * on the way back to user mode; rt_sigreturn at restore sets orig_ax to -1,
 * so the restart must be done on the registers instead:
 *  - ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND: no signal handler runs
 *    at restore, so the call is re-executed: ax = orig_ax, ip back over
 *    the 2-byte syscall instruction;
 *  - ERESTART_RESTARTBLOCK (nanosleep, clock_nanosleep relative, poll...):
 *    the kernel would continue from its restart_block, kernel state that
 *    the image cannot carry, so the call returns EINTR. nanosleep has
 *    already written the time left to its rem argument by then, so callers
 *    that loop on EINTR sleep exactly the rest.
 * Returns what it did. */
enum qr_restart qr_restart_fixup(struct user_regs_struct *r);

#endif
