// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: the registers of parked threads, in the user ABI
 * layout of PTRACE_GETREGSET. ptrace can only read a thread that is in a
 * ptrace stop; a frozen thread is not, so each thread reads its own through
 * the same regset code (as a core dump does) on its way to park, while its
 * FPU registers may still be live in the CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/regset.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pfncheck.h"

static const struct user_regset *pf_find_regset(unsigned int note_type)
{
	const struct user_regset_view *view = task_user_regset_view(current);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note_type)
			return &view->regsets[i];
	return NULL;
}

static void *pf_get_regset(unsigned int note_type, unsigned int *len)
{
	const struct user_regset *r = pf_find_regset(note_type);
	void *data;
	int n;

	if (!r)
		return NULL;
	n = regset_get_alloc(current, r, r->n * r->size, &data);
	if (n <= 0)
		return NULL;
	*len = n;
	return data;
}

/* Runs in the thread itself, in process context, before it parks. */
void pf_capture_regsets(struct pf_thread *t)
{
	t->prstatus = pf_get_regset(PFNCHECK_NT_PRSTATUS, &t->prstatus_len);
	t->xstate = pf_get_regset(PFNCHECK_NT_X86_XSTATE, &t->xstate_len);
	if (!t->prstatus || !t->xstate)
		pr_err("pid %d tid %d: cannot capture its registers\n",
		       t->proc->nr, t->tid);
}

void pf_free_regsets(struct pf_thread *t)
{
	kvfree(t->prstatus);
	kvfree(t->xstate);
	t->prstatus = NULL;
	t->xstate = NULL;
}

int pf_regset(struct pfncheck_regset *arg)
{
	struct pf_thread *found;
	unsigned int len;
	void *data;
	int ret = 0;

	if (arg->pid <= 0 || arg->tid <= 0 ||
	    (arg->note_type != PFNCHECK_NT_PRSTATUS &&
	     arg->note_type != PFNCHECK_NT_X86_XSTATE))
		return -EINVAL;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	found = pf_find_parked(arg->pid, arg->tid);
	if (!found) {
		ret = -ENOENT;
		goto out;
	}
	if (arg->note_type == PFNCHECK_NT_PRSTATUS) {
		data = found->prstatus;
		len = found->prstatus_len;
	} else {
		data = found->xstate;
		len = found->xstate_len;
	}
	if (!data) {
		ret = -ENODATA;
	} else if (arg->size < len) {
		ret = -ENOSPC;
	} else if (copy_to_user(u64_to_user_ptr(arg->buf), data, len)) {
		ret = -EFAULT;
		goto out;
	}
	arg->size = len;
out:
	mutex_unlock(&pf_lock);
	return ret;
}
