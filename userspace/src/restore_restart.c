/* See restore_restart.h. The ERESTART* values are the kernel's
 * include/linux/errno.h: they never reach user space, yet ptrace shows
 * them, and they have not changed since Linux 2.6. */
#include <errno.h>

#include "restore_restart.h"

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

enum qr_restart qr_restart_fixup(struct user_regs_struct *r)
{
	if ((long long)r->orig_rax < 0)
		return QR_RESTART_NONE;
	switch ((long long)r->rax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		r->rax = r->orig_rax;
		r->rip -= 2;
		return QR_RESTART_AGAIN;
	case -ERESTART_RESTARTBLOCK:
		r->rax = (unsigned long long)-EINTR;
		return QR_RESTART_EINTR;
	default:
		return QR_RESTART_NONE;
	}
}
