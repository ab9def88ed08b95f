/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences are handled. Which side of
 * each difference applies is decided at build time by compat/configure,
 * which compiles the probes in compat/probes/ against the target headers;
 * module code calls the qr_* wrappers and never tests kernel versions.
 */
#ifndef QR_COMPAT_H
#define QR_COMPAT_H

#include "generated/compat.h"

#include <linux/blk-mq.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/sched.h>

/*
 * A blk-mq disk backed by memory: non-rotational, with the given physical
 * block size (also the minimum I/O size).
 */
static inline struct gendisk *qr_blk_mq_alloc_mem_disk(struct blk_mq_tag_set *set,
							void *queuedata,
							unsigned int pbs)
{
	struct gendisk *disk;
#ifdef HAVE_BLK_MQ_ALLOC_DISK_LIMITS
	struct queue_limits lim = {
		.physical_block_size	= pbs,
		.io_min			= pbs,
	};

	disk = blk_mq_alloc_disk(set, &lim, queuedata);
#else
	disk = blk_mq_alloc_disk(set, queuedata);
	if (!IS_ERR(disk)) {
		blk_queue_physical_block_size(disk->queue, pbs);
		blk_queue_io_min(disk->queue, pbs);
	}
#endif
#ifndef HAVE_QUEUE_LIMITS_FEATURES
	/* Without queue features, a queue is rotational unless told. */
	if (!IS_ERR(disk))
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
#endif
	return disk;
}

/*
 * A block_device_operations.open that admits only openers with
 * CAP_SYS_ADMIN, whatever the mode of the device node.
 */
#ifdef HAVE_BDOPS_OPEN_GENDISK
static inline int qr_bdops_open_admin(struct gendisk *disk, blk_mode_t mode)
#else
static inline int qr_bdops_open_admin(struct block_device *bdev, fmode_t mode)
#endif
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/*
 * pin_user_pages_remote() and get_user_pages_remote() on another process's
 * mm, with its mmap_lock held for reading and never dropped (no "locked").
 * The vmas array went away in 6.5.
 */
static inline long qr_pin_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
#ifdef HAVE_PIN_USER_PAGES_REMOTE_NO_VMAS
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

static inline long qr_get_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
#ifdef HAVE_GET_USER_PAGES_REMOTE_NO_VMAS
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#else
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

#ifdef CONFIG_RSEQ
/*
 * The size a thread registered its rseq area with: recorded since 6.3,
 * before which every registration was the original 32 bytes.
 */
static inline u32 qr_task_rseq_len(struct task_struct *t)
{
#ifdef HAVE_TASK_RSEQ_LEN
	return t->rseq_len;
#else
	return t->rseq ? 32 : 0;
#endif
}
#endif

#endif
