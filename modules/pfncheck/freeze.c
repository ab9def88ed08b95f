// SPDX-License-Identifier: GPL-2.0
/*
 * Freeze and thaw of a thread group.
 *
 * Each thread is sent a task_work with TWA_SIGNAL. The kernel runs it when
 * the thread next heads for user mode: a thread running in user mode is
 * kicked into the kernel, a thread sleeping interruptibly in a system call
 * is woken, leaves the call with -ERESTART* in its return register and runs
 * the work from get_signal(), before any signal is dequeued. The work parks
 * the thread right there until the thaw; the registers are then exactly
 * those the kernel's restart rules apply to when the thread goes on, so the
 * interrupted call restarts (or returns its result) as if nothing happened.
 *
 * task_work cannot be cancelled by a module (task_work_cancel() is not
 * exported), so a queued work always runs: at the thread's next return to
 * user mode, or when it exits. The work therefore holds a reference on its
 * pf_proc, and does nothing if the freeze was undone before it ran; module
 * unload waits for every queued work to have run (pf_wait_works()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/restart_block.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>

#include "qr_compat.h"
#include "pfncheck.h"

DEFINE_MUTEX(pf_lock);			/* every ioctl, and pf_procs */
static LIST_HEAD(pf_procs);		/* frozen processes */
static atomic_t pf_frozen = ATOMIC_INIT(0);
static atomic_long_t pf_works = ATOMIC_LONG_INIT(0);	/* queued, not yet run */
static DECLARE_WAIT_QUEUE_HEAD(pf_works_wq);

#define PF_MAX_TIMEOUT_MS	600000U

unsigned int pf_nr_frozen(void)
{
	return atomic_read(&pf_frozen);
}

long pf_nr_works(void)
{
	return atomic_long_read(&pf_works);
}

static void pf_proc_release(struct kref *ref)
{
	struct pf_proc *p = container_of(ref, struct pf_proc, ref);
	struct pf_thread *t, *tmp;

	list_for_each_entry_safe(t, tmp, &p->threads, node) {
		pf_free_regsets(t);
		put_task_struct(t->task);
		kfree(t);
	}
	put_pid(p->pid);
	kfree(p);
}

static void pf_proc_put(struct pf_proc *p)
{
	kref_put(&p->ref, pf_proc_release);
}

/*
 * The last thing a park work does. Module unload waits for pf_works to reach
 * zero and then for an RCU grace period: preemption stays off from the
 * decrement to the return, so once the grace period ends no thread executes
 * this module's code any more.
 */
static void pf_work_done(void)
{
	preempt_disable();
	if (atomic_long_dec_and_test(&pf_works))
		wake_up_all(&pf_works_wq);
	preempt_enable();
}

void pf_wait_works(void)
{
	while (!wait_event_timeout(pf_works_wq, !atomic_long_read(&pf_works),
				   10 * HZ))
		pr_warn("unload: waiting for %ld thread(s) to run their pending park work (stuck in an uninterruptible wait?)\n",
			atomic_long_read(&pf_works));
	synchronize_rcu();
}

static unsigned int pf_restart_kind(const char *fn)
{
	static const struct {
		const char *fn;
		unsigned int kind;
	} kinds[] = {
		{ "hrtimer_nanosleep_restart", PFNCHECK_RESTART_NANOSLEEP },
		{ "posix_cpu_nsleep_restart", PFNCHECK_RESTART_CPU_NANOSLEEP },
		{ "alarm_timer_nsleep_restart", PFNCHECK_RESTART_ALARM_NANOSLEEP },
		{ "futex_wait_restart", PFNCHECK_RESTART_FUTEX },
		{ "do_restart_poll", PFNCHECK_RESTART_POLL },
		{ "do_no_restart_syscall", PFNCHECK_RESTART_NONE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(fn, kinds[i].fn))
			return kinds[i].kind;
	return PFNCHECK_RESTART_OTHER;
}

/*
 * What restart_syscall() will need: for -ERESTART_RESTARTBLOCK the kernel
 * continues the call through current->restart_block, whose layout is the
 * same on every kernel we support. The function is named by symbol, since
 * the restart functions are not exported.
 */
static void pf_record_restart(struct pfncheck_thread *r,
			      const struct restart_block *rb)
{
	snprintf(r->restart_fn, sizeof(r->restart_fn), "%ps", rb->fn);
	r->restart_kind = pf_restart_kind(r->restart_fn);
	r->clockid = -1;
	switch (r->restart_kind) {
	case PFNCHECK_RESTART_NANOSLEEP:
	case PFNCHECK_RESTART_CPU_NANOSLEEP:
	case PFNCHECK_RESTART_ALARM_NANOSLEEP:
		r->clockid = rb->nanosleep.clockid;
		r->expires_ns = rb->nanosleep.expires;
		r->rmtp = (u64)(unsigned long)rb->nanosleep.rmtp;
		if (rb->nanosleep.type == TT_NATIVE)
			r->rmtp_type = PFNCHECK_RMTP_NATIVE;
		else if (rb->nanosleep.type == TT_COMPAT)
			r->rmtp_type = PFNCHECK_RMTP_COMPAT;
		else
			r->rmtp_type = PFNCHECK_RMTP_NONE;
		break;
	case PFNCHECK_RESTART_FUTEX:
		r->expires_ns = rb->futex.time;
		break;
	case PFNCHECK_RESTART_POLL:
		if (rb->poll.has_timeout) {
			r->clockid = CLOCK_MONOTONIC;
			r->expires_ns = (u64)rb->poll.tv_sec * NSEC_PER_SEC +
					rb->poll.tv_nsec;
		}
		break;
	}
}

/* Runs in the thread itself, just before it parks. */
static void pf_record(struct pf_thread *t)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct pfncheck_thread *r = &t->rec;

	memset(r, 0, sizeof(*r));
	r->tid = t->tid;
	r->state = PFNCHECK_THREAD_PARKED;
	r->syscall_nr = syscall_get_nr(current, regs);
	if (r->syscall_nr != -1)
		r->syscall_ret = syscall_get_return_value(current, regs);
	r->ip = instruction_pointer(regs);
	r->sp = user_stack_pointer(regs);
	r->clockid = -1;
	r->clear_child_tid = (u64)(unsigned long)current->clear_child_tid;
#ifdef CONFIG_RSEQ
	r->rseq = (u64)(unsigned long)current->rseq;
	r->rseq_len = qr_task_rseq_len(current);
	r->rseq_sig = current->rseq_sig;
#endif
	if (r->syscall_nr != -1 &&
	    syscall_get_error(current, regs) == -ERESTART_RESTARTBLOCK)
		pf_record_restart(r, &current->restart_block);
}

/* The task_work: runs in the target thread on its way to user mode. */
static void pf_park(struct callback_head *work)
{
	struct pf_thread *t = container_of(work, struct pf_thread, work);
	struct pf_proc *p = t->proc;
	bool park = false;

	/* It allocates: before the lock. Freed with the thread, parked or not. */
	if (!(current->flags & PF_EXITING) && !READ_ONCE(p->thawed))
		pf_capture_regsets(t);

	spin_lock(&p->lock);
	if (p->thawed) {
		t->state = PF_LEFT;
	} else if (current->flags & PF_EXITING) {
		t->state = PF_EXITED;
		t->rec.tid = t->tid;
		t->rec.state = PFNCHECK_THREAD_EXITED;
	} else {
		pf_record(t);
		t->state = PF_PARKED;
		p->nr_parked++;
		park = true;
	}
	p->nr_settled++;
	spin_unlock(&p->lock);
	wake_up_all(&p->settle_wq);

	/*
	 * TASK_IDLE is TASK_UNINTERRUPTIBLE | TASK_NOLOAD: no signal, not even
	 * SIGKILL, wakes the thread, and unlike a plain uninterruptible sleep
	 * it counts neither in the load average nor for the hung-task
	 * detector, which would otherwise report every frozen thread after
	 * hung_task_timeout_secs. /proc shows such a thread in state "I".
	 */
	if (park)
		wait_event_idle(p->thaw_wq, READ_ONCE(p->thawed));

	pf_proc_put(p);
	pf_work_done();
}

static bool pf_has_task(struct pf_proc *p, struct task_struct *task)
{
	struct pf_thread *t;

	list_for_each_entry(t, &p->threads, node)
		if (t->task == task)
			return true;
	return false;
}

/*
 * Queues the park work on every live thread of the group that has none yet,
 * at most @limit of them. Returns how many were queued, or -ENOMEM.
 */
static int pf_queue_new(struct pf_proc *p, struct task_struct *leader,
			unsigned int limit)
{
	struct task_struct *task, *it;
	struct pf_thread *t;
	int queued = 0;

	while (queued < limit) {
		task = NULL;
		rcu_read_lock();
		for_each_thread(leader, it) {
			if (it->flags & PF_EXITING || pf_has_task(p, it))
				continue;
			task = it;
			get_task_struct(task);
			break;
		}
		rcu_read_unlock();
		if (!task)
			break;

		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t) {
			put_task_struct(task);
			return -ENOMEM;
		}
		t->task = task;
		t->proc = p;
		t->tid = task_pid_vnr(task);
		t->state = PF_QUEUED;
		init_task_work(&t->work, pf_park);
		list_add_tail(&t->node, &p->threads);

		spin_lock(&p->lock);
		p->nr_threads++;
		spin_unlock(&p->lock);
		kref_get(&p->ref);
		atomic_long_inc(&pf_works);
		if (task_work_add(task, &t->work, TWA_SIGNAL)) {
			/* Already past exit_task_work(): it will not run. */
			spin_lock(&p->lock);
			t->state = PF_EXITED;
			t->rec.tid = t->tid;
			t->rec.state = PFNCHECK_THREAD_EXITED;
			p->nr_settled++;
			spin_unlock(&p->lock);
			pf_work_done();
			pf_proc_put(p);
		}
		queued++;
	}
	return queued;
}

static bool pf_settled(struct pf_proc *p)
{
	bool done;

	spin_lock(&p->lock);
	done = p->nr_settled == p->nr_threads;
	spin_unlock(&p->lock);
	return done;
}

/* A thread that has not parked yet, for the error message. */
static struct pf_thread *pf_stuck(struct pf_proc *p)
{
	struct pf_thread *t, *found = NULL;

	spin_lock(&p->lock);
	list_for_each_entry(t, &p->threads, node) {
		if (t->state == PF_QUEUED) {
			found = t;
			break;
		}
	}
	spin_unlock(&p->lock);
	return found;
}

/*
 * Wakes every parked thread and drops the list's reference. Threads whose
 * work has not run yet will find the process thawed and go on at once.
 */
static void pf_release(struct pf_proc *p)
{
	pf_map_release(p);
	spin_lock(&p->lock);
	WRITE_ONCE(p->thawed, true);
	spin_unlock(&p->lock);
	wake_up_all(&p->thaw_wq);
	pf_proc_put(p);
}

struct pf_proc *pf_find_frozen(pid_t nr)
{
	struct pid *pid = find_get_pid(nr);
	struct pf_proc *p, *found = NULL;

	if (!pid)
		return NULL;
	list_for_each_entry(p, &pf_procs, node) {
		if (p->pid == pid) {
			found = p;
			break;
		}
	}
	put_pid(pid);
	return found;
}

/* Caller holds pf_lock. Stops at the first non-zero return of @fn. */
int pf_visit_frozen(int (*fn)(struct pf_proc *p, void *arg), void *arg)
{
	struct pf_proc *p;
	int ret;

	list_for_each_entry(p, &pf_procs, node) {
		ret = fn(p, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* Caller holds pf_lock: settled threads only change state at thaw, under it. */
struct pf_thread *pf_find_parked(pid_t nr, pid_t tid)
{
	struct pf_proc *p = pf_find_frozen(nr);
	struct pf_thread *t;

	if (!p)
		return NULL;
	list_for_each_entry(t, &p->threads, node)
		if (t->tid == tid && t->state == PF_PARKED)
			return t;
	return NULL;
}

/* Finds the thread group @nr names, and refuses what must not be frozen. */
static int pf_target(pid_t nr, struct pid **pidp, struct task_struct **taskp)
{
	struct task_struct *task, *it;
	struct pid *pid;
	const char *why = NULL;
	int ret = 0;

	pid = find_get_pid(nr);
	if (!pid) {
		pr_info("freeze %d: refused: no such process\n", nr);
		return -ESRCH;
	}
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (!task) {
		put_pid(pid);
		pr_info("freeze %d: refused: not a process ID (a thread's?)\n",
			nr);
		return -ESRCH;
	}

	if (task->flags & PF_KTHREAD) {
		why = "kernel thread";
		ret = -EPERM;
	} else if (same_thread_group(task, current)) {
		why = "the caller's own process";
		ret = -EDEADLK;
	} else if (is_global_init(task) ||
		   task_tgid_nr_ns(task, task_active_pid_ns(current)) == 1 ||
		   task_tgid_nr_ns(task, task_active_pid_ns(task)) == 1) {
		why = "init of a PID namespace";
		ret = -EPERM;
	} else if (pf_find_frozen(nr)) {
		why = "already frozen";
		ret = -EBUSY;
	}

	if (!ret) {
		rcu_read_lock();
		if (task->signal->flags & SIGNAL_GROUP_EXIT) {
			why = "exiting";
			ret = -ESRCH;
		}
		for_each_thread(task, it) {
			if (ret)
				break;
			if (it->ptrace) {
				why = "traced";
				ret = -EBUSY;
			} else if (it->flags & PF_IO_WORKER) {
				why = "has io_uring workers";
				ret = -EBUSY;
			}
		}
		rcu_read_unlock();
	}

	if (ret) {
		pr_info("freeze %d: refused: %s\n", nr, why);
		put_task_struct(task);
		put_pid(pid);
		return ret;
	}
	*pidp = pid;
	*taskp = task;
	return 0;
}

int pf_freeze(struct pfncheck_freeze *arg, struct pf_owner *owner)
{
	unsigned int timeout_ms = arg->timeout_ms ?: READ_ONCE(freeze_timeout_ms);
	bool inject = arg->flags & PFNCHECK_FREEZE_INJECT_HALF;
	char comm[TASK_COMM_LEN];
	struct task_struct *task;
	unsigned long deadline;
	struct pf_proc *p;
	unsigned int total;
	long left;
	int ret, n;
	u64 t0;

	if (arg->pid <= 0 || arg->flags & ~PFNCHECK_FREEZE_FLAGS ||
	    arg->reserved || arg->timeout_ms > PF_MAX_TIMEOUT_MS)
		return -EINVAL;
	arg->nr_threads = 0;
	arg->stuck_tid = 0;
	arg->elapsed_ns = 0;

	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	t0 = ktime_get_ns();
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = pf_target(arg->pid, &p->pid, &task);
	if (ret) {
		kfree(p);
		goto out_unlock;
	}
	kref_init(&p->ref);
	p->nr = arg->pid;
	p->owner = owner;
	p->set = owner->set;
	INIT_LIST_HEAD(&p->threads);
	spin_lock_init(&p->lock);
	init_waitqueue_head(&p->settle_wq);
	init_waitqueue_head(&p->thaw_wq);
	get_task_comm(comm, task);

	/*
	 * Pass after pass until one finds no thread without the work: a thread
	 * not parked yet may create threads, a parked one cannot.
	 */
	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	for (;;) {
		unsigned int limit = UINT_MAX;

		if (inject) {
			unsigned int all = get_nr_threads(task);

			limit = max(1U, (all + 1) / 2);
		}
		n = pf_queue_new(p, task, limit);
		if (n < 0) {
			ret = n;
			break;
		}
		if (!n && pf_settled(p))
			break;
		left = (long)(deadline - jiffies);
		left = wait_event_killable_timeout(p->settle_wq, pf_settled(p),
						   max(left, 1L));
		if (left < 0) {
			ret = -EINTR;
			break;
		}
		if (!left && !pf_settled(p)) {
			ret = -ETIMEDOUT;
			break;
		}
		if (inject) {
			ret = -ECANCELED;
			break;
		}
	}
	if (!ret && !p->nr_parked)
		ret = -ESRCH;	/* every thread exited meanwhile */
	total = get_nr_threads(task);
	put_task_struct(task);
	arg->elapsed_ns = ktime_get_ns() - t0;

	if (ret) {
		unsigned int parked = p->nr_parked;

		if (ret == -ETIMEDOUT) {
			struct pf_thread *t = pf_stuck(p);
			char tcomm[TASK_COMM_LEN] = "";

			if (t) {
				arg->stuck_tid = t->tid;
				get_task_comm(tcomm, t->task);
			}
			pr_warn("freeze %d (%s): thread %d (%s) did not park within %u ms (uninterruptible wait in the kernel?); %u parked threads thawed\n",
				arg->pid, comm, arg->stuck_tid, tcomm,
				timeout_ms, parked);
		} else if (ret == -ECANCELED) {
			pr_warn("freeze %d (%s): failure injected after %u of %u threads parked; thawed\n",
				arg->pid, comm, parked, total);
		} else {
			pr_warn("freeze %d (%s): failed (%d) after %u threads parked; thawed\n",
				arg->pid, comm, ret, parked);
		}
		pf_release(p);
		goto out_unlock;
	}

	p->frozen_at_ns = ktime_get_ns();
	list_add_tail(&p->node, &pf_procs);
	atomic_inc(&pf_frozen);
	arg->nr_threads = p->nr_parked;
	pr_info("froze %d (%s): %u threads in %llu us\n", arg->pid, comm,
		p->nr_parked, div_u64(arg->elapsed_ns, NSEC_PER_USEC));
out_unlock:
	mutex_unlock(&pf_lock);
	return ret;
}

static void pf_unlink(struct pf_proc *p)
{
	list_del(&p->node);
	atomic_dec(&pf_frozen);
}

/*
 * Whether the process was sent SIGKILL while frozen. Its parked threads
 * never dequeue it: the first SIGKILL marks the group exiting and queues
 * SIGKILL to every thread (complete_signal()), later ones are dropped.
 * Caller holds pf_lock: settled threads only change state at thaw.
 */
static bool pf_killed(struct pf_proc *p)
{
	struct pf_thread *t;

	list_for_each_entry(t, &p->threads, node) {
		if (t->state != PF_PARKED)
			continue;
		if (__fatal_signal_pending(t->task) ||
		    READ_ONCE(t->task->signal->flags) & SIGNAL_GROUP_EXIT)
			return true;
	}
	return false;
}

static void pf_thaw_one(struct pf_proc *p, const char *why)
{
	pr_info("thawed %d: %u threads, frozen for %llu ms%s%s\n",
		p->nr, p->nr_parked,
		div_u64(ktime_get_ns() - p->frozen_at_ns, NSEC_PER_MSEC),
		pf_killed(p) ? ", killed while frozen: it dies now" : "", why);
	pf_unlink(p);
	pf_netunlock(p);
	pf_release(p);
}

int pf_thaw(struct pfncheck_thaw *arg, struct pf_owner *owner)
{
	struct pf_proc *p, *tmp;
	u64 t0, set;

	if (arg->pid <= 0 || arg->flags & ~PFNCHECK_THAW_FLAGS ||
	    arg->reserved || arg->reserved2)
		return -EINVAL;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	p = pf_find_frozen(arg->pid);
	if (!p) {
		mutex_unlock(&pf_lock);
		return -ENOENT;
	}
	if (p->owner && p->owner != owner) {
		pr_info("thaw %d: refused: another open file froze it and has not committed it (a checkpoint in progress)\n",
			arg->pid);
		mutex_unlock(&pf_lock);
		return -EBUSY;
	}
	t0 = ktime_get_ns();
	arg->nr_threads = p->nr_parked;
	arg->frozen_ns = t0 - p->frozen_at_ns;
	arg->nr_procs = 1;
	set = p->set;
	pf_thaw_one(p, "");
	if (arg->flags & PFNCHECK_THAW_SET) {
		list_for_each_entry_safe(p, tmp, &pf_procs, node) {
			if (p->set != set)
				continue;
			arg->nr_threads += p->nr_parked;
			arg->nr_procs++;
			pf_thaw_one(p, " (with its set)");
		}
	}
	arg->elapsed_ns = ktime_get_ns() - t0;
	mutex_unlock(&pf_lock);
	return 0;
}

int pf_commit(struct pfncheck_commit *arg, struct pf_owner *owner)
{
	struct pf_proc *p;
	int ret = 0;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	arg->nr_procs = 0;
	arg->killed_pid = 0;
	arg->set = owner->set;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	list_for_each_entry(p, &pf_procs, node) {
		if (p->owner != owner)
			continue;
		arg->nr_procs++;
		if (!arg->killed_pid && pf_killed(p))
			arg->killed_pid = p->nr;
	}
	if (!arg->nr_procs) {
		ret = -ENOENT;
	} else if (arg->killed_pid) {
		pr_info("commit of set %llu refused: process %d was sent SIGKILL while frozen\n",
			owner->set, arg->killed_pid);
		ret = -ESRCH;
	} else {
		list_for_each_entry(p, &pf_procs, node)
			if (p->owner == owner)
				p->owner = NULL;
		pr_info("committed set %llu: %u processes stay frozen until thawed or kexec\n",
			owner->set, arg->nr_procs);
	}
	mutex_unlock(&pf_lock);
	return ret;
}

int pf_status(struct pfncheck_status *arg)
{
	struct pf_proc *p;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	arg->nr_frozen = 0;
	arg->nr_committed = 0;
	arg->nr_killed = 0;
	arg->killed_pid = 0;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	list_for_each_entry(p, &pf_procs, node) {
		arg->nr_frozen++;
		if (!p->owner)
			arg->nr_committed++;
		if (pf_killed(p)) {
			arg->nr_killed++;
			if (!arg->killed_pid)
				arg->killed_pid = p->nr;
		}
	}
	mutex_unlock(&pf_lock);
	return 0;
}

/* The open file that froze them is gone (closed, or its process died). */
void pf_release_owner(struct pf_owner *owner)
{
	struct pf_proc *p, *tmp;

	mutex_lock(&pf_lock);
	list_for_each_entry_safe(p, tmp, &pf_procs, node)
		if (p->owner == owner)
			pf_thaw_one(p, " (/dev/pfncheck closed without commit: the checkpoint failed or died)");
	mutex_unlock(&pf_lock);
}

void pf_thaw_all(const char *why)
{
	struct pf_proc *p, *tmp;

	mutex_lock(&pf_lock);
	list_for_each_entry_safe(p, tmp, &pf_procs, node)
		pf_thaw_one(p, why);
	mutex_unlock(&pf_lock);
}

int pf_threads(struct pfncheck_threads *arg)
{
	struct pfncheck_thread __user *out = u64_to_user_ptr(arg->threads);
	struct pf_thread *t;
	struct pf_proc *p;
	u32 n = 0;
	int ret = 0;

	if (arg->pid <= 0 || arg->flags)
		return -EINVAL;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	p = pf_find_frozen(arg->pid);
	if (!p) {
		ret = -ENOENT;
		goto out;
	}
	/* Settled threads only change state at thaw, under pf_lock. */
	list_for_each_entry(t, &p->threads, node) {
		if (t->state != PF_PARKED && t->state != PF_EXITED)
			continue;
		if (n < arg->cap && copy_to_user(&out[n], &t->rec,
						 sizeof(t->rec))) {
			ret = -EFAULT;
			goto out;
		}
		n++;
	}
	if (n > arg->cap)
		ret = -ENOSPC;
	arg->nr = n;
out:
	mutex_unlock(&pf_lock);
	return ret;
}
