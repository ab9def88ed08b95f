/* Where "quickreboot setup" puts the shelter, from /proc/iomem. Pure: no I/O.
 *
 * Size: by default the smaller of 256 MiB and 1/16 of RAM, in 2 MiB steps.
 * The shelter holds the checkpoint image: everything about the kept
 * processes but their pages (zero copy leaves those in place; the PFN map
 * costs 8 bytes per 4 KiB page, 2 MiB per GiB kept), so 256 MiB is room for
 * the metadata of tens of GiB of process memory; in copy mode it bounds
 * what can be copied. 1/16 keeps small machines usable.
 *
 * Place: the highest 2 MiB aligned range inside one top-level "System RAM"
 * entry that overlaps no other /proc/iomem entry (its children: the running
 * kernel's image, "Crash kernel") and starts at or above 256 MiB. High memory first: low
 * memory (below 4 GiB, DMA32) is what devices, the bootloader, a kernel
 * booted without KASLR (loaded at 16 MiB and decompressed above it) and the
 * New kernel's boot area need. The next boot honours memmap=SIZE$ADDR
 * before it allocates anything (and KASLR avoids up to 4 memmap= ranges).
 * 2 MiB alignment keeps the direct map's huge pages whole around it. */
#ifndef QR_SHELTER_PLAN_H
#define QR_SHELTER_PLAN_H

#include <stdint.h>

#include "lib/err.h"
#include "boot/iomem.h"
#include "lib/size.h"

#define QR_MIB ((uint64_t)1 << 20)
#define QR_SHELTER_DEFAULT_MAX (256 * QR_MIB)
#define QR_SHELTER_RAM_FRACTION 16
#define QR_SHELTER_MIN (4 * QR_MIB)
#define QR_SHELTER_PLACE_ALIGN (2 * QR_MIB)
#define QR_SHELTER_FLOOR (256 * QR_MIB)

/* Bytes of top-level "System RAM" entries. */
uint64_t qr_ram_bytes(const struct qr_iomem *io);

/* min(256 MiB, ram / 16) rounded down to 2 MiB; 0 when that is below
 * QR_SHELTER_MIN (too little RAM). */
uint64_t qr_shelter_default_size(uint64_t ram);

/* A size given by the user: page aligned, at least QR_SHELTER_MIN, at most
 * half of RAM. */
int qr_shelter_check_size(uint64_t size, uint64_t ram, struct qr_err *e);

/* Places size bytes as described above. Returns 0, or -1 with e set when
 * no free range is large enough. */
int qr_shelter_place(const struct qr_iomem *io, uint64_t size,
		     struct qr_range *out, struct qr_err *e);

enum qr_shelter_fit {
	QR_FIT_RESERVED = 0,	/* reserved already: the running kernel booted with it */
	QR_FIT_FREE = 1,	/* plain RAM free of kernel and crash kernel: usable next boot */
};

/* Whether a shelter chosen earlier (drop-in, /proc/cmdline) is still good:
 * returns a qr_shelter_fit, or -1 with e set. */
int qr_shelter_fits(const struct qr_iomem *io, const struct qr_range *r,
		    struct qr_err *e);

#endif
