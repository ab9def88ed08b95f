// SPDX-License-Identifier: GPL-2.0
/* HAVE_MM_RSS_STAT_PERCPU: mm->rss_stat is an array of per-CPU counters */
#include <linux/mm_types.h>
#include <linux/percpu_counter.h>

static __maybe_unused void probe(struct mm_struct *mm)
{
	percpu_counter_add(&mm->rss_stat[MM_ANONPAGES], 1);
}
