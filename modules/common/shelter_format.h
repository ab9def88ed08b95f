/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * On-region layout of the quickreboot shelter, shared by the kernel module
 * and userspace. All fields are little-endian; the types come from
 * <linux/types.h>, which both the kernel and userspace (linux-libc-dev)
 * provide.
 *
 * The region reserved with memmap=SIZE$ADDR starts with one 4096-byte header
 * page; the block device /dev/shelter0 is the data area that follows it.
 *
 *   offset  size  field
 *        0     8  magic         "QRSHELTR" (no terminating NUL)
 *        8     4  version       layout version, SHELTER_LAYOUT_VERSION
 *       12     4  header_size   bytes covered by the checksum (64 in v1)
 *       16     8  region_start  physical address of the region
 *       24     8  region_size   bytes, header page included
 *       32     8  data_offset   offset of the data area (4096 in v1)
 *       40     8  data_size     region_size - data_offset
 *       48     8  generation    1 when formatted, +1 at each load of a
 *                               valid shelter
 *       56     4  flags         0 in v1; any bit set makes the header corrupt
 *       60     4  checksum      CRC-32 (IEEE 802.3, as zlib's crc32()) of
 *                               bytes [0, header_size) with this field
 *                               taken as zero
 *
 * Bytes 64..4095 of the header page are reserved: zero when formatted, not
 * checked by version 1.
 */
#ifndef QR_SHELTER_FORMAT_H
#define QR_SHELTER_FORMAT_H

#include <linux/types.h>

#include "quickreboot/abi_assert.h"

#define SHELTER_MAGIC		"QRSHELTR"
#define SHELTER_MAGIC_LEN	8
#define SHELTER_LAYOUT_VERSION	1
#define SHELTER_HEADER_PAGE	4096	/* bytes before the data area */

struct shelter_header {
	__u8	magic[SHELTER_MAGIC_LEN];
	__le32	version;
	__le32	header_size;
	__le64	region_start;
	__le64	region_size;
	__le64	data_offset;
	__le64	data_size;
	__le64	generation;
	__le32	flags;
	__le32	checksum;
};

#define SHELTER_HEADER_SIZE_V1	64

/* The table above: a New kernel's module reads what an Old one wrote. */
QR_ABI_SIZE(shelter_header, SHELTER_HEADER_SIZE_V1);
QR_ABI_OFFSET(shelter_header, version, 8);
QR_ABI_OFFSET(shelter_header, header_size, 12);
QR_ABI_OFFSET(shelter_header, region_start, 16);
QR_ABI_OFFSET(shelter_header, region_size, 24);
QR_ABI_OFFSET(shelter_header, data_offset, 32);
QR_ABI_OFFSET(shelter_header, data_size, 40);
QR_ABI_OFFSET(shelter_header, generation, 48);
QR_ABI_OFFSET(shelter_header, flags, 56);
QR_ABI_OFFSET(shelter_header, checksum, 60);

#endif
