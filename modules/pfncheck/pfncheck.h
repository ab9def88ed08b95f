/* SPDX-License-Identifier: GPL-2.0 */
/* quickreboot pfncheck: what the parts of the module share. */
#ifndef PFNCHECK_H
#define PFNCHECK_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "quickreboot/pfncheck_abi.h"

/* Where a thread is in a freeze. */
enum pf_thread_state {
	PF_QUEUED,	/* park work queued, not run yet */
	PF_PARKED,	/* sleeping in pf_park() */
	PF_EXITED,	/* ran the work while exiting, or could not get it */
	PF_LEFT,	/* ran the work after the thaw: never parked */
};

/*
 * One thread of a frozen process. Owned by its pf_proc; its work runs in
 * the thread itself, holding a reference on the pf_proc until it returns.
 */
struct pf_thread {
	struct callback_head work;
	struct list_head node;		/* in pf_proc.threads */
	struct pf_proc *proc;
	struct task_struct *task;	/* reference held */
	pid_t tid;			/* in the freezer's PID namespace */
	enum pf_thread_state state;	/* under pf_proc.lock */
	struct pfncheck_thread rec;	/* written by the thread before parking */
	/* Captured by the thread itself before parking; NULL if that failed. */
	void *prstatus, *xstate;
	unsigned int prstatus_len, xstate_len;
};

/* The PFN map of a frozen process, and the page references it holds. */
struct pf_map {
	struct pfncheck_vma *vmas;
	u32 nr_vmas, cap_vmas;
	struct pfncheck_page *pages;
	struct page **refs;		/* parallel to pages[] */
	u64 nr_pages, cap_pages;
	u64 nr_pinned, nr_held;
	u64 elapsed_ns;
};

/*
 * An open file of /dev/pfncheck: the processes it freezes are its own until
 * it commits them (owner NULL) or is released (they are thawed).
 */
struct pf_owner {
	u64 set;			/* numbers the processes it froze */
};

/* One frozen process (a thread group). */
struct pf_proc {
	struct list_head node;		/* in the list of frozen processes */
	struct kref ref;		/* the list's, plus one per queued work */
	struct pid *pid;		/* reference held */
	pid_t nr;			/* in the freezer's PID namespace */
	struct list_head threads;	/* of pf_thread, changed by the freezer only */
	spinlock_t lock;		/* the threads' states and counters */
	unsigned int nr_threads;	/* queued */
	unsigned int nr_parked;
	unsigned int nr_settled;	/* parked, exited or left */
	wait_queue_head_t settle_wq;	/* the freezer waits for threads here */
	wait_queue_head_t thaw_wq;	/* parked threads wait here */
	bool thawed;			/* set once; releases every thread */
	u64 frozen_at_ns;
	struct pf_map *map;		/* NULL until the first PFNMAP */
	struct pf_owner *owner;		/* NULL once committed; under pf_lock */
	u64 set;			/* its owner's: one checkpoint */
};

extern struct mutex pf_lock;
extern unsigned int freeze_timeout_ms;

int pf_freeze(struct pfncheck_freeze *arg, struct pf_owner *owner);
int pf_thaw(struct pfncheck_thaw *arg, struct pf_owner *owner);
int pf_commit(struct pfncheck_commit *arg, struct pf_owner *owner);
int pf_status(struct pfncheck_status *arg);
/* The network lock taken off the frozen process's sockets (netunlock.c). */
void pf_netunlock(struct pf_proc *p);
void pf_release_owner(struct pf_owner *owner);
int pf_threads(struct pfncheck_threads *arg);
void pf_thaw_all(const char *why);
void pf_wait_works(void);
unsigned int pf_nr_frozen(void);
long pf_nr_works(void);
struct pf_proc *pf_find_frozen(pid_t nr);
struct pf_thread *pf_find_parked(pid_t nr, pid_t tid);
int pf_visit_frozen(int (*fn)(struct pf_proc *p, void *arg), void *arg);

void pf_capture_regsets(struct pf_thread *t);
void pf_free_regsets(struct pf_thread *t);
int pf_regset(struct pfncheck_regset *arg);

int pf_sigstate(struct pfncheck_sigstate *arg);
int pf_timers(struct pfncheck_timers *arg);
int pf_fdstate(struct pfncheck_fdstate *arg);
int pf_semundo(struct pfncheck_semundo *arg);
int pf_socklocks(struct pfncheck_socklocks *arg);

/*
 * A walk over the present pages of a frozen process (page_walk.c). @vma
 * says for each VMA whether its pages are walked (> 0) or not (0), or
 * stops the walk (< 0). @pages is given present pages from @addr on,
 * referenced as @how says (PFNCHECK_PAGE_PINNED, or PFNCHECK_PAGE_HELD for
 * a plain reference); it keeps or puts the references, also when it fails,
 * and non-zero stops the walk. With @pin, pages that cannot be pinned
 * without a fault (shared copy-on-write) are given held.
 */
struct pf_walk {
	bool pin;
	int (*vma)(struct vm_area_struct *vma, void *arg);
	int (*pages)(unsigned long addr, struct page **pages, long n, u32 how,
		     void *arg);
	void *arg;
};

int pf_walk_proc(struct pf_proc *p, const struct pf_walk *w);
void pf_walk_put(struct page **pages, long n, u32 how);

/* Makes room for @more entries in an array of @size-byte elements. */
int pf_grow(void **arr, u64 nr, u64 *cap, u64 more, size_t size);

int pf_pfnmap(struct pfncheck_pfnmap *arg);
void pf_map_release(struct pf_proc *p);
long pf_nr_refs(void);

int pf_evacuate(struct pfncheck_evacuate *arg);

#endif
