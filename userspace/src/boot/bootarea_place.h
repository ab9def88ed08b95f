/* Where "quickreboot setup" reserves the first boot area, from /proc/iomem.
 * Pure: no I/O.
 *
 * Size: what a New kernel needs before it hands RAM back: its image and
 * early allocations, the initramfs (twice while it unpacks), and the
 * struct pages of all the RAM it will be given back (64 bytes per 4 KiB
 * page: 16 MiB per GiB), plus a margin; at least 256 MiB, in whole memory
 * blocks (the hand-back works in blocks).
 *
 * Place: the lowest block-aligned range above the first block and below
 * 4 GiB (the New kernel's DMA32 allocations, swiotlb among them, come from
 * it) inside one top-level System RAM entry, overlapping no other entry
 * (the running kernel's image, a crash kernel) nor the shelter. */
#ifndef QR_BOOTAREA_PLACE_H
#define QR_BOOTAREA_PLACE_H

#include <stdint.h>

#include "lib/err.h"
#include "boot/iomem.h"
#include "lib/size.h"

#define QR_MEMORY_BLOCK ((uint64_t)128 << 20)	/* x86-64 below 64 GiB */

uint64_t qr_bootarea_default_size(uint64_t ram, uint64_t block);

/* Returns 0 with *out set, or -1 with e set when nothing fits. */
int qr_bootarea_place(const struct qr_iomem *io, uint64_t size, uint64_t block,
		      const struct qr_range *shelter, struct qr_range *out,
		      struct qr_err *e);

#endif
