// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: a frozen process's System V semaphore adjustments
 * (PFNCHECK_IOC_SEMUNDO): what semop(2) with SEM_UNDO recorded for the
 * kernel to undo when the process exits. No user ABI shows them: they sit
 * in task->sysvsem.undo_list, a list of struct sem_undo private to
 * ipc/sem.c.
 *
 * Those structs are in no header, so no build-time probe can see them;
 * pf_semundo_list and pf_sem_undo mirror their fields up to semid, which
 * are the same on 6.1 and 6.12. After semid, 6.1 has "short *semadj"
 * pointing at the shorts right after the struct (sizeof 72), 6.12 the
 * shorts themselves ("short semadj[]", at 60). The layout is told apart at
 * run time by that pointer: only the 6.1 layout holds its own end there.
 * Reads stay inside the allocation (ksize()), an entry whose back pointer
 * is not its list fails with EPROTO (a layout this file does not know).
 *
 * Locking as in ipc/sem.c: entries leave the list (freeary(), exit_sem())
 * under the list's lock, so the walk holds it; the process is frozen, so
 * the list itself stays (only the process frees it, in exit_sem()).
 * semadj[] changes under the set's lock, which is private: another
 * process's SETVAL on a set this one uses could race the read (check
 * refuses sets used outside the kept set).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "pfncheck.h"

/* ipc/sem.c: struct sem_undo_list */
struct pf_semundo_list {
	refcount_t refcnt;
	spinlock_t lock;
	struct list_head list_proc;
};

/* ipc/sem.c: struct sem_undo up to semid */
struct pf_sem_undo {
	struct list_head list_proc;
	struct rcu_head rcu;
	struct pf_semundo_list *ulp;
	struct list_head list_id;
	int semid;
};

#define PF_SEMADJ_FLEX	offsetofend(struct pf_sem_undo, semid)
#define PF_SEMADJ_PTR	ALIGN(PF_SEMADJ_FLEX, sizeof(void *))
#define PF_SEMADJ_AFTER	(PF_SEMADJ_PTR + sizeof(void *))

/* The entry's adjustments and how many fit its allocation, or NULL. */
static const short *pf_semadj(const struct pf_sem_undo *un, u32 *n)
{
	const void *base = un;
	size_t room;

	if (is_vmalloc_addr(un))
		return NULL;
	room = ksize(un);
	if (room >= PF_SEMADJ_AFTER &&
	    READ_ONCE(*(const void * const *)(base + PF_SEMADJ_PTR)) ==
	    base + PF_SEMADJ_AFTER) {
		*n = (room - PF_SEMADJ_AFTER) / sizeof(short);
		return base + PF_SEMADJ_AFTER;
	}
	if (room < PF_SEMADJ_FLEX)
		return NULL;
	*n = (room - PF_SEMADJ_FLEX) / sizeof(short);
	return base + PF_SEMADJ_FLEX;
}

/* The non-zero adjustments of every set the list names, into out[cap]. */
static int pf_semundo_read(struct pf_semundo_list *ulp,
			   struct pfncheck_semadj *out, u32 cap, u32 *nr,
			   u32 *nr_sets)
{
	struct pf_sem_undo *un;
	u32 n = 0, sets = 0, i, len;
	const short *adj;
	int ret = 0;

	spin_lock(&ulp->lock);
	list_for_each_entry(un, &ulp->list_proc, list_proc) {
		if (un->ulp != ulp) {
			ret = -EPROTO;
			break;
		}
		if (un->semid < 0)	/* its set was removed */
			continue;
		adj = pf_semadj(un, &len);
		if (!adj) {
			ret = -EFBIG;
			break;
		}
		len = min_t(u32, len, PFNCHECK_MAX_SEMADJ);
		sets++;
		for (i = 0; i < len; i++) {
			short v = READ_ONCE(adj[i]);

			if (!v)
				continue;
			if (n < cap)
				out[n] = (struct pfncheck_semadj){
					.semid = un->semid, .semnum = i, .adj = v,
				};
			n++;
		}
	}
	spin_unlock(&ulp->lock);
	*nr = n;
	*nr_sets = sets;
	return ret;
}

#ifdef CONFIG_SYSVIPC
static struct pf_semundo_list *pf_undo_list(struct task_struct *t)
{
	return (struct pf_semundo_list *)READ_ONCE(t->sysvsem.undo_list);
}
#else
static struct pf_semundo_list *pf_undo_list(struct task_struct *t)
{
	return NULL;
}
#endif

int pf_semundo(struct pfncheck_semundo *arg)
{
	struct pfncheck_semadj *out = NULL;
	struct pf_semundo_list *ulp;
	struct task_struct *task, *t;
	struct pf_thread *main;
	u32 mine = 0;
	int ret = 0;

	if (arg->pid <= 0 || arg->flags || arg->reserved || arg->reserved2 ||
	    arg->cap > PFNCHECK_MAX_SEMADJ)
		return -EINVAL;
	if (arg->cap) {
		out = kvcalloc(arg->cap, sizeof(*out), GFP_KERNEL);
		if (!out)
			return -ENOMEM;
	}
	if (mutex_lock_interruptible(&pf_lock)) {
		ret = -ERESTARTSYS;
		goto free;
	}
	arg->nr = 0;
	arg->nr_sets = 0;
	arg->shared_outside = 0;
	main = pf_find_parked(arg->pid, arg->pid);
	if (!main) {
		ret = -ENOENT;
		goto unlock;
	}
	task = main->task;
	ulp = pf_undo_list(task);
	if (!ulp)
		goto unlock;
	/* Holders other than its own threads: clone(CLONE_SYSVSEM). */
	rcu_read_lock();
	for_each_thread(task, t)
		if (pf_undo_list(t) == ulp)
			mine++;
	rcu_read_unlock();
	arg->shared_outside = max_t(int, refcount_read(&ulp->refcnt) - (int)mine, 0);
	ret = pf_semundo_read(ulp, out, arg->cap, &arg->nr, &arg->nr_sets);
unlock:
	mutex_unlock(&pf_lock);
	if (ret)
		goto free;
	if (arg->nr > arg->cap)
		ret = -ENOSPC;
	else if (arg->nr && copy_to_user(u64_to_user_ptr(arg->adjs), out,
					 (size_t)arg->nr * sizeof(*out)))
		ret = -EFAULT;
free:
	kvfree(out);
	return ret;
}
