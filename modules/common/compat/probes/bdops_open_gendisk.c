// SPDX-License-Identifier: GPL-2.0
/* HAVE_BDOPS_OPEN_GENDISK: block_device_operations.open takes (gendisk, blk_mode_t) */
#include <linux/blkdev.h>

static int probe_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

static __maybe_unused const struct block_device_operations probe_fops = {
	.open = probe_open,
};
