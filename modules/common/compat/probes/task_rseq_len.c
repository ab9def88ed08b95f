// SPDX-License-Identifier: GPL-2.0
/* HAVE_TASK_RSEQ_LEN: task_struct records the registered rseq area's size */
#include <linux/sched.h>

static __maybe_unused u32 probe(struct task_struct *t)
{
	return t->rseq_len;
}
