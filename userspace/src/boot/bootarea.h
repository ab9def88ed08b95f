/* The boot area: the only memory a New kernel believes is RAM while it
 * boots in zero copy (DESIGN.md, "Memory across kexec"). Decisions only, on
 * what memview.c gathered. Pure: no I/O.
 *
 * The first boot area is reserved at cold boot with memmap=SIZE$ADDR, so
 * that the Old kernel never puts a frame there. A New kernel boots in it
 * (plus [0, 1 MiB), which Linux reserves anyway and needs for its
 * real-mode trampoline), every other RAM range marked memmap=SIZE$ADDR on
 * its command line. At restore, the next boot area is chosen among the
 * hidden RAM where no preserved frame lies, and is not handed back: it
 * stays a memmap=$ range outside System RAM, which is how the next
 * "quickreboot cmdline" finds it. So quick reboots chain without end. */
#ifndef QR_BOOTAREA_H
#define QR_BOOTAREA_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/size.h"
#include "lib/spans.h"

/* Names the boot area a kernel was confined to (information, and its size
 * for the next one). Has a dot: the kernel leaves it alone. */
#define QR_BOOTAREA_PARAM "quickreboot.bootarea"
#define QR_BOOTAREA_MIN ((uint64_t)256 << 20)
/* Below 4 GiB: the New kernel's DMA32 allocations (swiotlb) come from it. */
#define QR_BOOTAREA_LIMIT ((uint64_t)4 << 30)

struct qr_memview {
	struct qr_spans fwram;		/* System RAM in /sys/firmware/memmap */
	struct qr_spans sysram;		/* "System RAM*" in /proc/iomem, any depth */
	struct qr_spans reserved;	/* memmap=SIZE$ADDR of /proc/cmdline */
	bool has_shelter;
	struct qr_range shelter;	/* quickreboot.shelter= */
	bool has_named;
	struct qr_range named;		/* quickreboot.bootarea= */
	uint64_t block;			/* memory block size */
};

/* RAM this kernel was not given and has not been given back: memmap=$
 * ranges inside firmware RAM, less the shelter and System RAM. */
int qr_hidden_ram(const struct qr_memview *m, struct qr_spans *out);

/* The boot area for the next kexec: the largest block-aligned piece of
 * hidden RAM (at most quickreboot.bootarea='s size from its start).
 * Returns 0 with *out set, 1 when there is none (e.g. no setup), -1 with e
 * set. */
int qr_bootarea_find(const struct qr_memview *m, struct qr_span *out,
		     struct qr_err *e);

/* What the New kernel must not use: firmware RAM less the first memory
 * block, the boot area and the shelter (whose memmap= stays as it is). */
int qr_bootarea_hide(const struct qr_memview *m, const struct qr_span *boot,
		     struct qr_spans *hide);

/* The next boot area, chosen in hidden (before hand-back) away from every
 * preserved frame (pfns ascending): a window of size bytes, block aligned,
 * below 4 GiB if one fits there (the highest such), else the lowest.
 * Returns 0 with *out set, or 1 when no window is free. */
int qr_bootarea_next(const struct qr_spans *hidden, const uint64_t *pfns,
		     size_t n, uint64_t size, uint64_t block,
		     struct qr_span *out);

/* x86's pageblock, the unit the kernel moves pages out of (checkpoint/evacuate.h)
 * and the unit hidden in the first block. */
#define QR_PAGEBLOCK ((uint64_t)2 << 20)

enum qr_frame_fate {
	QR_FRAME_KEEP,		/* left in place, adopted by the New kernel */
	QR_FRAME_HIDE,		/* in the first block, past its first
				 * pageblock: kept if the New kernel is told
				 * its pageblock is not RAM (first_block.h),
				 * else copied */
	QR_FRAME_COPY,		/* in the first pageblock (the firmware's low
				 * MiB shares it), or in a block the shelter
				 * shares (never handed back): copied */
	QR_FRAME_REFUSE,	/* cannot be: *why says where it is */
};

/* What becomes of a frame of a process kept in zero copy: refused in the
 * boot area the New kernel runs in, in the shelter, or outside firmware
 * RAM (none can be there: checked anyway). */
enum qr_frame_fate qr_frame_fate(const struct qr_memview *m,
				 const struct qr_span *boot, uint64_t pfn,
				 const char **why);

/* The RAM where a frame of a process kept in zero copy would be copied
 * for its place (QR_FRAME_COPY): System RAM in the first memory block and
 * in the blocks the shelter shares. Pages there are moved out before they
 * are pinned where the kernel can (checkpoint/evacuate.h). Returns 0, or -1 when
 * memory ran out. */
int qr_zc_copy_ranges(const struct qr_memview *m, struct qr_spans *out);

#endif
