// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: a frozen process's POSIX timers (PFNCHECK_IOC_TIMERS).
 * /proc/PID/timers names them but not their time left and interval, which
 * only timer_gettime(2) in the process itself reads.
 *
 * The timers are listed under the signal lock, then each is read under its
 * own lock: the kernel takes a timer's lock before the signal lock (when it
 * fires, or is deleted), so not inside it. None can go meanwhile: only the
 * process itself deletes them, and it is frozen.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pfncheck.h"
#include "qr_compat.h"

static bool pf_timer_is_hrtimer(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
		clock == CLOCK_BOOTTIME || clock == CLOCK_TAI;
}

/* What common_timer_get() answers: the expiry moved on past now for a
 * periodic timer, 1 ns for one due that has not fired yet.
 */
static void pf_timer_times(struct k_itimer *k, struct pfncheck_timer *t)
{
	struct hrtimer *h = &k->it.real.timer;
	s64 iv = ktime_to_ns(k->it_interval), rem;
	bool none = (k->it_sigev_notify & ~SIGEV_THREAD_ID) == SIGEV_NONE;

	t->hrtimer = 1;
	t->interval_ns = iv;
	if (!iv && !k->it_active && !none)
		return;
	rem = ktime_to_ns(ktime_sub(hrtimer_get_expires(h), hrtimer_cb_get_time(h)));
	if (rem <= 0 && iv)
		rem += (div64_s64(-rem, iv) + 1) * iv;
	if (rem <= 0)
		rem = none ? 0 : 1;
	t->value_ns = rem;
}

static void pf_timer_read(struct k_itimer *k, struct pfncheck_timer *t)
{
	unsigned long flags;

	spin_lock_irqsave(&k->it_lock, flags);
	t->id = k->it_id;
	t->clock = k->it_clock;
	t->notify = k->it_sigev_notify;
	t->signo = k->sigq ? k->sigq->info.si_signo : 0;
	t->sigev_value = k->sigq ? (u64)(unsigned long)k->sigq->info.si_value.sival_ptr : 0;
	t->tid = k->it_sigev_notify & SIGEV_THREAD_ID ? pid_vnr(k->it_pid) : 0;
	if (pf_timer_is_hrtimer(k->it_clock))
		pf_timer_times(k, t);
	spin_unlock_irqrestore(&k->it_lock, flags);
}

int pf_timers(struct pfncheck_timers *arg)
{
	struct k_itimer **found = NULL, *k;
	struct pfncheck_timer *out = NULL;
	struct sighand_struct *sh;
	struct signal_struct *sig;
	struct pf_thread *main;
	unsigned long flags;
	u32 n = 0, i;
	int ret = 0;

	if (arg->pid <= 0 || arg->flags || arg->reserved ||
	    arg->cap > PFNCHECK_MAX_TIMERS)
		return -EINVAL;
	if (arg->cap) {
		found = kvcalloc(arg->cap, sizeof(*found), GFP_KERNEL);
		out = kvcalloc(arg->cap, sizeof(*out), GFP_KERNEL);
		if (!found || !out) {
			ret = -ENOMEM;
			goto free;
		}
	}
	if (mutex_lock_interruptible(&pf_lock)) {
		ret = -ERESTARTSYS;
		goto free;
	}
	main = pf_find_parked(arg->pid, arg->pid);
	/* As in pf_sig_read(): a parked thread keeps its sighand. */
	sh = main ? READ_ONCE(main->task->sighand) : NULL;
	if (!sh) {
		ret = -ENOENT;
		goto unlock;
	}
	sig = main->task->signal;
	spin_lock_irqsave(&sh->siglock, flags);
	arg->next_id = sig->next_posix_timer_id;
	qr_for_each_posix_timer(k, sig) {
		if (n < arg->cap)
			found[n] = k;
		n++;
	}
	spin_unlock_irqrestore(&sh->siglock, flags);
	for (i = 0; i < n && i < arg->cap; i++)
		pf_timer_read(found[i], &out[i]);
unlock:
	mutex_unlock(&pf_lock);
	arg->nr = n;
	if (ret)
		goto free;
	if (n > arg->cap)
		ret = -ENOSPC;
	else if (n && copy_to_user(u64_to_user_ptr(arg->timers), out,
				   (size_t)n * sizeof(*out)))
		ret = -EFAULT;
free:
	kvfree(found);
	kvfree(out);
	return ret;
}
