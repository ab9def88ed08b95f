// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: the signal state of a parked thread and of its
 * process, in user ABI terms (PFNCHECK_IOC_SIGSTATE). For another process
 * no system call gives the actions, interval timers, sigaltstack or the
 * siginfo of pending signals. Unlike the registers, none of it lives in
 * the CPU: it is read at the time of the call, under the process's signal
 * lock, from a thread that is parked and so changes none of it itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/sched/mm.h>
#include <uapi/linux/membarrier.h>
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pfncheck.h"

struct pf_sig_buf {
	struct pfncheck_siginfo *info;
	u32 cap, nr;			/* room, and entries met (may exceed cap) */
};

static void pf_sig_put(struct pf_sig_buf *b, const kernel_siginfo_t *info)
{
	/*
	 * The user layout begins with the kernel's; the rest stays zero, as
	 * copy_siginfo_to_user() leaves it.
	 */
	if (b->nr < b->cap)
		memcpy(&b->info[b->nr], info, sizeof(*info));
	b->nr++;
}

static bool pf_sig_listed(struct sigpending *p, int sig)
{
	struct sigqueue *q;

	list_for_each_entry(q, &p->list, list)
		if (q->info.si_signo == sig)
			return true;
	return false;
}

/*
 * A queue in delivery order. A standard signal may be pending with no
 * siginfo queued (sent when the queue was full, or by the kernel's fast
 * paths): it is delivered as SI_USER from pid 0, and listed so.
 */
static void pf_sig_pending(struct pf_sig_buf *b, struct sigpending *p)
{
	struct sigqueue *q;
	kernel_siginfo_t info;
	int sig;

	list_for_each_entry(q, &p->list, list)
		if (q->info.si_signo != SIGKILL && q->info.si_signo != SIGSTOP)
			pf_sig_put(b, &q->info);
	for (sig = 1; sig <= PFNCHECK_NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    !sigismember(&p->signal, sig) || pf_sig_listed(p, sig))
			continue;
		clear_siginfo(&info);
		info.si_signo = sig;
		info.si_code = SI_USER;
		pf_sig_put(b, &info);
	}
}

static void pf_sig_timeval(u64 ns, __s64 *sec, __s64 *usec)
{
	/* Round up: a timer about to fire must not read as disarmed. */
	u64 us = DIV_ROUND_UP_ULL(ns, NSEC_PER_USEC);
	u32 rem;

	*sec = div_u64_rem(us, USEC_PER_SEC, &rem);
	*usec = rem;
}

/* As getitimer(2) does it for the process itself (kernel/time/itimer.c). */
static void pf_sig_itimers(struct signal_struct *sig,
			   struct pfncheck_itimerval *it)
{
	static const int clock[] = { [1] = CPUCLOCK_VIRT, [2] = CPUCLOCK_PROF };
	struct task_cputime_atomic *ct = &sig->cputimer.cputime_atomic;
	ktime_t rem = __hrtimer_get_remaining(&sig->real_timer, true);
	int i;

	if (!hrtimer_active(&sig->real_timer))
		rem = 0;
	else if (rem <= 0)
		rem = NSEC_PER_USEC;
	pf_sig_timeval(rem, &it[0].value_sec, &it[0].value_usec);
	pf_sig_timeval(ktime_to_ns(sig->it_real_incr), &it[0].interval_sec,
		       &it[0].interval_usec);
	for (i = 1; i < 3; i++) {
		struct cpu_itimer *c = &sig->it[clock[i]];
		u64 val = c->expires, now;

		/* An armed CPU timer keeps the group's cputimer running. */
		if (val && sig->posix_cputimers.timers_active) {
			now = atomic64_read(&ct->utime);
			if (clock[i] == CPUCLOCK_PROF)
				now += atomic64_read(&ct->stime);
			val = val > now ? val - now : TICK_NSEC;
		}
		pf_sig_timeval(val, &it[i].value_sec, &it[i].value_usec);
		pf_sig_timeval(c->incr, &it[i].interval_sec, &it[i].interval_usec);
	}
}

/*
 * The registrations membarrier(2) took on the memory, as the commands that
 * take them again: the READY states are those of registration done.
 */
static u32 pf_sig_membarrier(struct task_struct *task)
{
	static const struct {
		u32 state, cmd;
	} reg[] = {
		{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY,
		  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED },
		{ MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY,
		  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED },
		{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY,
		  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE },
		{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY,
		  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ },
	};
	struct mm_struct *mm = get_task_mm(task);
	u32 state, cmds = 0;
	int i;

	if (!mm)
		return 0;
	state = atomic_read(&mm->membarrier_state);
	mmput(mm);
	for (i = 0; i < ARRAY_SIZE(reg); i++)
		if (state & reg[i].state)
			cmds |= reg[i].cmd;
	return cmds;
}

/* sigaltstack(2)'s answer for the thread at stack pointer sp. */
static void pf_sig_altstack(struct task_struct *task, u64 sp,
			    struct pfncheck_sigstate *arg)
{
	arg->ss_sp = task->sas_ss_sp;
	arg->ss_size = task->sas_ss_size;
	if (!task->sas_ss_size)
		arg->ss_flags = SS_DISABLE;
	else if (sp > task->sas_ss_sp && sp - task->sas_ss_sp <= task->sas_ss_size)
		arg->ss_flags = SS_ONSTACK;
	else
		arg->ss_flags = 0;
	arg->ss_flags |= task->sas_ss_flags;
}

static int pf_sig_read(struct pf_thread *t, struct pfncheck_sigstate *arg,
		       struct pfncheck_sigaction *act, struct pf_sig_buf *b)
{
	struct task_struct *task = t->task;
	/*
	 * lock_task_sighand() is not exported; it guards against a sighand
	 * replaced by exec or dropped by exit, neither of which a parked
	 * thread can do (nor does another thread of its frozen group exec).
	 */
	struct sighand_struct *sh = READ_ONCE(task->sighand);
	unsigned long flags;
	int i;

	if (!sh)
		return -ESRCH;
	arg->membarrier = pf_sig_membarrier(task);
	spin_lock_irqsave(&sh->siglock, flags);
	arg->pdeath_signal = task->pdeath_signal;
	arg->child_subreaper = task->signal->is_child_subreaper;
	for (i = 0; i < PFNCHECK_NSIG; i++) {
		const struct sigaction *sa = &sh->action[i].sa;

		act[i].handler = (unsigned long)sa->sa_handler;
		act[i].flags = sa->sa_flags;
		act[i].restorer = (unsigned long)sa->sa_restorer;
		act[i].mask = sa->sa_mask.sig[0];
	}
	arg->blocked = task->blocked.sig[0];
	pf_sig_altstack(task, t->rec.sp, arg);
	pf_sig_itimers(task->signal, arg->itimers);
	pf_sig_pending(b, &task->pending);
	arg->nr_pending = b->nr;
	pf_sig_pending(b, &task->signal->shared_pending);
	arg->nr_shared = b->nr - arg->nr_pending;
	spin_unlock_irqrestore(&sh->siglock, flags);
	return 0;
}

int pf_sigstate(struct pfncheck_sigstate *arg)
{
	struct pf_sig_buf b = { .cap = arg->pending_cap };
	struct pfncheck_sigaction *act;
	struct pf_thread *found;
	int ret;

	if (arg->pid <= 0 || arg->tid <= 0 || arg->flags || arg->reserved ||
	    arg->reserved2 || arg->pending_cap > PFNCHECK_MAX_PENDING)
		return -EINVAL;
	act = kcalloc(PFNCHECK_NSIG, sizeof(*act), GFP_KERNEL);
	b.info = kvcalloc(b.cap ? b.cap : 1, sizeof(*b.info), GFP_KERNEL);
	if (!act || !b.info) {
		ret = -ENOMEM;
		goto free;
	}
	if (mutex_lock_interruptible(&pf_lock)) {
		ret = -ERESTARTSYS;
		goto free;
	}
	found = pf_find_parked(arg->pid, arg->tid);
	ret = found ? pf_sig_read(found, arg, act, &b) : -ENOENT;
	mutex_unlock(&pf_lock);
	if (ret)
		goto free;
	if (copy_to_user(u64_to_user_ptr(arg->actions), act,
			 PFNCHECK_NSIG * sizeof(*act)))
		ret = -EFAULT;
	else if (b.nr > b.cap)
		ret = -ENOSPC;
	else if (copy_to_user(u64_to_user_ptr(arg->pending), b.info,
			      (size_t)b.nr * sizeof(*b.info)))
		ret = -EFAULT;
free:
	kvfree(b.info);
	kfree(act);
	return ret;
}
