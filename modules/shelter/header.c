// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot shelter: the header page at the start of the region (layout in
 * shelter_format.h). Reads and judges it, bumps the generation of a valid
 * shelter, and formats a fresh or corrupt one when asked to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "shelter_format.h"
#include "shelter.h"

static_assert(sizeof(struct shelter_header) == SHELTER_HEADER_SIZE_V1);
static_assert(offsetof(struct shelter_header, checksum) ==
	      SHELTER_HEADER_SIZE_V1 - 4);

static const char * const state_names[] = {
	[SHELTER_FRESH]		= "fresh",
	[SHELTER_VALID]		= "valid",
	[SHELTER_CORRUPT]	= "corrupt",
	[SHELTER_FORMATTED]	= "formatted",
};

const char *shelter_state_name(enum shelter_state state)
{
	return state_names[state];
}

/* CRC-32 of the header with its checksum field taken as zero (zlib's crc32()). */
static u32 shelter_header_crc(const struct shelter_header *h)
{
	struct shelter_header tmp = *h;

	tmp.checksum = 0;
	return crc32_le(~0U, (const u8 *)&tmp, sizeof(tmp)) ^ ~0U;
}

static void shelter_header_write(struct shelter *sh, u64 generation)
{
	struct shelter_header h = {
		.version	= cpu_to_le32(SHELTER_LAYOUT_VERSION),
		.header_size	= cpu_to_le32(SHELTER_HEADER_SIZE_V1),
		.region_start	= cpu_to_le64(sh->start),
		.region_size	= cpu_to_le64(sh->size),
		.data_offset	= cpu_to_le64(SHELTER_HEADER_PAGE),
		.data_size	= cpu_to_le64(sh->size - SHELTER_HEADER_PAGE),
		.generation	= cpu_to_le64(generation),
	};

	memcpy(h.magic, SHELTER_MAGIC, SHELTER_MAGIC_LEN);
	h.checksum = cpu_to_le32(shelter_header_crc(&h));
	memcpy(sh->va, &h, sizeof(h));
	sh->generation = generation;
}

#define corrupt(sh, fmt, ...) \
	snprintf((sh)->problem, sizeof((sh)->problem), fmt, ##__VA_ARGS__)

/* Sets sh->state (fresh, valid or corrupt), sh->generation, sh->problem. */
void shelter_header_read(struct shelter *sh)
{
	struct shelter_header h;
	u32 crc;

	memcpy(&h, sh->va, sizeof(h));
	sh->problem[0] = '\0';
	sh->generation = 0;

	if (memcmp(h.magic, SHELTER_MAGIC, SHELTER_MAGIC_LEN)) {
		sh->state = SHELTER_FRESH;
		return;
	}
	sh->state = SHELTER_CORRUPT;
	crc = shelter_header_crc(&h);
	if (le32_to_cpu(h.version) != SHELTER_LAYOUT_VERSION)
		corrupt(sh, "unsupported layout version %u (this module reads %u)",
			le32_to_cpu(h.version), SHELTER_LAYOUT_VERSION);
	else if (le32_to_cpu(h.header_size) != SHELTER_HEADER_SIZE_V1)
		corrupt(sh, "header size %u, expected %u",
			le32_to_cpu(h.header_size), SHELTER_HEADER_SIZE_V1);
	else if (le32_to_cpu(h.checksum) != crc)
		corrupt(sh, "checksum 0x%08x, computed 0x%08x",
			le32_to_cpu(h.checksum), crc);
	else if (le64_to_cpu(h.region_start) != sh->start)
		corrupt(sh, "written for a region at 0x%llx, this one is at 0x%llx",
			le64_to_cpu(h.region_start), sh->start);
	else if (le64_to_cpu(h.region_size) != sh->size)
		corrupt(sh, "written for a region of 0x%llx bytes, this one has 0x%llx",
			le64_to_cpu(h.region_size), sh->size);
	else if (le64_to_cpu(h.data_offset) != SHELTER_HEADER_PAGE ||
		 le64_to_cpu(h.data_size) != sh->size - SHELTER_HEADER_PAGE)
		corrupt(sh, "data area 0x%llx+0x%llx, expected 0x%x+0x%llx",
			le64_to_cpu(h.data_offset), le64_to_cpu(h.data_size),
			SHELTER_HEADER_PAGE, sh->size - SHELTER_HEADER_PAGE);
	else if (le32_to_cpu(h.flags))
		corrupt(sh, "unknown flags 0x%x", le32_to_cpu(h.flags));
	else
		sh->state = SHELTER_VALID;
	sh->generation = le64_to_cpu(h.generation);
}

/* A valid shelter was loaded once more. */
void shelter_header_next_generation(struct shelter *sh)
{
	shelter_header_write(sh, sh->generation + 1);
}

#define SHELTER_ZERO_CHUNK (1UL << 20)

/* Zeroes the whole region, then writes a header of generation 1. */
void shelter_format(struct shelter *sh)
{
	u64 off, n;

	for (off = 0; off < sh->size; off += n) {
		n = min_t(u64, sh->size - off, SHELTER_ZERO_CHUNK);
		memset(sh->va + off, 0, n);
		cond_resched();
	}
	shelter_header_write(sh, 1);
	sh->state = SHELTER_FORMATTED;
	sh->problem[0] = '\0';
}
