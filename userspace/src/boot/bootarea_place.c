/* See bootarea_place.h. */
#include "boot/bootarea_place.h"

#include <inttypes.h>
#include <string.h>

#include "boot/bootarea.h"

#define MIB ((uint64_t)1 << 20)
/* The New kernel's image and early allocations, and the initramfs twice. */
#define KERNEL_AND_INITRAMFS (128 * MIB)
#define MARGIN (64 * MIB)

uint64_t qr_bootarea_default_size(uint64_t ram, uint64_t block)
{
	uint64_t size = KERNEL_AND_INITRAMFS + (ram >> 30) * 16 * MIB + MARGIN;

	if (size < QR_BOOTAREA_MIN)
		size = QR_BOOTAREA_MIN;
	return (size + block - 1) / block * block;
}

static int overlaps(uint64_t s, uint64_t t, uint64_t a, uint64_t b)
{
	return s < b && a < t;
}

/* [s, t) is free: inside the top-level System RAM entry ram, no other
 * entry over it, not the shelter. */
static int free_range(const struct qr_iomem *io, const struct qr_iomem_entry *ram,
		      uint64_t s, uint64_t t, const struct qr_range *shelter)
{
	if (s < ram->start || t - 1 > ram->end)
		return 0;
	if (shelter && overlaps(s, t, shelter->start, shelter->start + shelter->size))
		return 0;
	for (size_t k = 0; k < io->n; k++) {
		const struct qr_iomem_entry *en = &io->entry[k];

		if (en != ram && overlaps(s, t, en->start, en->end + 1) &&
		    !(en->depth == 0 && !strcmp(en->name, "System RAM")))
			return 0;
	}
	return 1;
}

int qr_bootarea_place(const struct qr_iomem *io, uint64_t size, uint64_t block,
		      const struct qr_range *shelter, struct qr_range *out,
		      struct qr_err *e)
{
	for (uint64_t s = block; s + size <= QR_BOOTAREA_LIMIT; s += block)
		for (size_t i = 0; i < io->n; i++) {
			const struct qr_iomem_entry *ram = &io->entry[i];

			if (ram->depth || strcmp(ram->name, "System RAM") ||
			    !free_range(io, ram, s, s + size, shelter))
				continue;
			out->start = s;
			out->size = size;
			return 0;
		}
	return qr_err_set(e, "no free System RAM range of %" PRIu64 " MiB below 4 GiB for the boot area",
			  size / MIB);
}
