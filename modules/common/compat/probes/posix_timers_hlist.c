// SPDX-License-Identifier: GPL-2.0
/* HAVE_POSIX_TIMERS_HLIST: signal_struct keeps its POSIX timers in an hlist */
#include <linux/sched/signal.h>

static __maybe_unused struct hlist_node *probe(struct signal_struct *s)
{
	return s->posix_timers.first;
}
