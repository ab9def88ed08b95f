// SPDX-License-Identifier: GPL-2.0
/* HAVE_QUEUE_LIMITS_FEATURES: queue features (rotational, ...) live in queue_limits */
#include <linux/blkdev.h>

static __maybe_unused void probe(struct queue_limits *lim)
{
	lim->features &= ~BLK_FEAT_ROTATIONAL;
}
