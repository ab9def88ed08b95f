// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot shelter: /dev/shelter0, a blk-mq block device over the data
 * area of the region (after the header page). Reads and writes are copies
 * to and from the mapped region; they complete when the data is in memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>

#include "qr_compat.h"
#include "shelter_format.h"
#include "shelter.h"

#define SHELTER_QUEUE_DEPTH 64

static blk_status_t shelter_rw(struct shelter *sh, struct request *rq)
{
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	u64 len = blk_rq_bytes(rq);
	bool write = rq_data_dir(rq) == WRITE;
	struct req_iterator iter;
	struct bio_vec bv;

	/* The block layer stops I/O past the capacity; this is the last guard. */
	if (len > sh->data_size || pos > sh->data_size - len)
		return BLK_STS_IOERR;

	rq_for_each_segment(bv, rq, iter) {
		void *mem = sh->data + pos;
		void *buf = bvec_kmap_local(&bv);

		if (write) {
			memcpy(mem, buf, bv.bv_len);
		} else {
			memcpy(buf, mem, bv.bv_len);
			flush_dcache_page(bv.bv_page);
		}
		kunmap_local(buf);
		pos += bv.bv_len;
	}
	return BLK_STS_OK;
}

static blk_status_t shelter_queue_rq(struct blk_mq_hw_ctx *hctx,
				     const struct blk_mq_queue_data *bd)
{
	struct shelter *sh = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	blk_status_t status;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		status = shelter_rw(sh, rq);
		break;
	case REQ_OP_FLUSH:
		/* No volatile cache: a completed write is in memory. */
		status = BLK_STS_OK;
		break;
	default:
		status = BLK_STS_NOTSUPP;
		break;
	}
	blk_mq_end_request(rq, status);
	return BLK_STS_OK;
}

static const struct blk_mq_ops shelter_mq_ops = {
	.queue_rq = shelter_queue_rq,
};

/* devtmpfs creates the node as root:root 0600. */
static char *shelter_devnode(struct gendisk *disk, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return NULL;
}

/* .owner: an open device holds a reference on the module (no rmmod). */
static const struct block_device_operations shelter_fops = {
	.owner		= THIS_MODULE,
	.open		= qr_bdops_open_admin,	/* root only */
	.devnode	= shelter_devnode,
};

int shelter_blkdev_create(struct shelter *sh)
{
	struct gendisk *disk;
	int ret;

	sh->data = sh->va + SHELTER_HEADER_PAGE;
	sh->data_size = sh->size - SHELTER_HEADER_PAGE;

	sh->tag_set.ops = &shelter_mq_ops;
	sh->tag_set.nr_hw_queues = 1;
	sh->tag_set.queue_depth = SHELTER_QUEUE_DEPTH;
	sh->tag_set.numa_node = NUMA_NO_NODE;
	/* Memory has no seek cost: an I/O scheduler would only add latency. */
	sh->tag_set.flags = BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	ret = blk_mq_alloc_tag_set(&sh->tag_set);
	if (ret) {
		pr_err("cannot allocate the tag set: %d\n", ret);
		return ret;
	}

	disk = qr_blk_mq_alloc_mem_disk(&sh->tag_set, sh, PAGE_SIZE);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		pr_err("cannot allocate the disk: %d\n", ret);
		goto free_tag_set;
	}
	/* major 0, minors 0: a dynamic dev_t; one whole-disk filesystem */
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &shelter_fops;
	disk->private_data = sh;
	strscpy(disk->disk_name, "shelter0", DISK_NAME_LEN);
	set_capacity(disk, sh->data_size >> SECTOR_SHIFT);

	ret = add_disk(disk);
	if (ret) {
		pr_err("cannot add the disk: %d\n", ret);
		goto put_disk;
	}
	sh->disk = disk;
	return 0;

put_disk:
	put_disk(disk);
free_tag_set:
	blk_mq_free_tag_set(&sh->tag_set);
	return ret;
}

void shelter_blkdev_destroy(struct shelter *sh)
{
	if (!sh->disk)
		return;
	del_gendisk(sh->disk);
	blk_mq_free_tag_set(&sh->tag_set);
	put_disk(sh->disk);
	sh->disk = NULL;
}
