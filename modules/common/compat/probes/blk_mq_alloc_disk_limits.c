// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_MQ_ALLOC_DISK_LIMITS: blk_mq_alloc_disk() takes queue_limits */
#include <linux/blk-mq.h>

static __maybe_unused struct gendisk *probe(struct blk_mq_tag_set *set)
{
	return blk_mq_alloc_disk(set, NULL, NULL);
}
