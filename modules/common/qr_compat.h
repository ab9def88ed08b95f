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
#include <linux/device.h>

static inline struct class *qr_class_create(const char *name)
{
#ifdef HAVE_CLASS_CREATE_NO_OWNER
	return class_create(name);
#else
	return class_create(THIS_MODULE, name);
#endif
}

static inline struct gendisk *qr_blk_mq_alloc_disk(struct blk_mq_tag_set *set,
						   void *queuedata)
{
#ifdef HAVE_BLK_MQ_ALLOC_DISK_LIMITS
	return blk_mq_alloc_disk(set, NULL, queuedata);
#else
	return blk_mq_alloc_disk(set, queuedata);
#endif
}

#endif
