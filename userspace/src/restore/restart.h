/* The kernel's system call restart rules, applied to saved registers. */
#ifndef QR_RESTORE_RESTART_H
#define QR_RESTORE_RESTART_H

#include <stdint.h>
#include <sys/user.h>

#include "image/image.h"

enum qr_restart {
	QR_RESTART_NONE,	/* not stopped in a system call, or it finished */
	QR_RESTART_AGAIN,	/* the system call is executed again */
	QR_RESTART_EINTR,	/* it returns EINTR */
	QR_RESTART_SLEEP,	/* a stub sleeps the time left, then returns */
};

/* A thread stopped while the kernel was leaving a system call that a
 * signal interrupted carries -ERESTART* in ax and the call's number in
 * orig_ax (which is -1 outside system calls): the kernel would restart it
 * on the way back to user mode; rt_sigreturn at restore sets orig_ax to -1,
 * so the restart must be done on the registers instead:
 *  - ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND: no signal handler runs
 *    at restore, so the call is re-executed: ax = orig_ax, ip back over
 *    the 2-byte syscall instruction (wait4 waits again, now for the
 *    children restore created; an absolute clock_nanosleep sleeps until
 *    the same time, which on CLOCK_MONOTONIC is the Old kernel's);
 *  - ERESTART_RESTARTBLOCK: the kernel would continue from its
 *    restart_block, kernel state no user ABI sets. For a sleep the image
 *    carries (QRI_THREAD_RESTART) qr_restart_sleep does it; anything else
 *    (futex or poll timeouts...) returns EINTR, which those callers must
 *    take anyway (nanosleep has written the time left to rem by then).
 * Returns what it did. */
enum qr_restart qr_restart_fixup(struct user_regs_struct *r);

/* Room for one sleep stub: its code and its timespec. */
#define QR_SLEEP_STUB_LEN 128

/* The bytes of stubs pr's threads need, whole pages (0: none). They stay
 * mapped in the process after the restore, read and execute only. */
uint64_t qr_restart_keep_len(const struct qri_proc_img *pr);

/* A thread frozen in a sleep the kernel would continue (ax
 * -ERESTART_RESTARTBLOCK, rs its record): writes at stub (to run at
 * stub_addr) code that calls clock_nanosleep(clock, 0, time left, rmtp),
 * puts back the argument registers the call had (the program's code may
 * count on them, the kernel keeps them) and jumps back after the
 * program's syscall instruction with the call's result in ax, as the
 * kernel's own restart would; the thread resumes in the stub. A signal
 * handler that interrupts the sleep gets EINTR and the time left in
 * rmtp, as it would have. The time left is rs->left_ns, or for realtime
 * clocks the expiry less realtime_now_ns (0 once passed). Returns
 * QR_RESTART_SLEEP, or QR_RESTART_NONE if r is not in such a sleep (and
 * nothing is written). */
enum qr_restart qr_restart_sleep(struct user_regs_struct *r,
				 const struct qri_thread_restart *rs,
				 uint8_t *stub, uint64_t stub_addr,
				 int64_t realtime_now_ns);

#endif
