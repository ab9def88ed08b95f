/* SPDX-License-Identifier: GPL-2.0 */
/* quickreboot shelter: state shared by the parts of the module. */
#ifndef QR_SHELTER_H
#define QR_SHELTER_H

#include <linux/blk-mq.h>
#include <linux/types.h>

enum shelter_state {
	SHELTER_FRESH,		/* no magic: never formatted */
	SHELTER_VALID,		/* a valid header, carried over */
	SHELTER_CORRUPT,	/* magic present, rest of the header wrong */
	SHELTER_FORMATTED,	/* formatted by this load (format=1) */
};

struct shelter {
	/* region.c: the reserved region, claimed and mapped */
	u64 start;
	u64 size;
	void *va;

	/* header.c: what the header page says */
	enum shelter_state state;
	u64 generation;
	char problem[128];	/* why the header is corrupt */

	/* blkdev.c: the block device over the data area */
	void *data;
	u64 data_size;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
};

int shelter_region_parse(const char *spec, u64 *start, u64 *size);
int shelter_region_claim(struct shelter *sh);
void shelter_region_release(struct shelter *sh);

void shelter_header_read(struct shelter *sh);
void shelter_header_next_generation(struct shelter *sh);
void shelter_format(struct shelter *sh);
const char *shelter_state_name(enum shelter_state state);

int shelter_blkdev_create(struct shelter *sh);
void shelter_blkdev_destroy(struct shelter *sh);

#endif
