// SPDX-License-Identifier: GPL-2.0
/*
 * Frames in holes of the memory this kernel booted with. Every kernel runs
 * in the first memory block, so process pages that could not be moved out
 * of it are kept by hiding their 2 MiB pageblocks from the New kernel
 * (memmap=SIZE$ADDR, "quickreboot checkpoint --keep-first-block"). Such a
 * hole lies in boot memory: its struct pages exist, reserved and untouched
 * since boot, so its frames can be held although the block is never handed
 * back. But x86 puts only RAM in the kernel's direct map at boot: hot-added
 * memory gets its mapping from arch_add_memory()'s init_memory_mapping(),
 * and a hole gets its own here, from the same function, before its frames
 * become pages that the kernel reads (copy-on-write, swap, migration). In
 * copy mode that function may not be called (IBT seals it): a hole's
 * frames are read through memremap() and never reach the page allocator.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pageblock-flags.h>

#include "restore.h"

static bool holes_mapped;

/*
 * pfn_to_online_page() knows only memory the kernel was given: a hole of
 * boot memory has no subsection of its own. Its memmap is there all the
 * same, populated and initialised for the whole early section.
 */
struct page *rs_frame_page(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (page)
		return page;
	if (!pfn_valid(pfn) || !online_section_nr(pfn_to_section_nr(pfn)) ||
	    !early_section(__pfn_to_section(pfn)))
		return NULL;
	return pfn_to_page(pfn);
}

bool rs_hole_frame_ok(unsigned long pfn)
{
	struct page *page = rs_frame_page(pfn);

	return page && PageReserved(page) &&
	       rs_range_is_hole(PFN_PHYS(pfn), PFN_PHYS(pfn + 1));
}

bool rs_frame_in_hole(unsigned long pfn)
{
	return !rs_pfn_added(pfn);
}

/*
 * Maps each held frame's pageblock, or the frame alone where the pageblock
 * is not wholly a hole. Called before the hand-back adds any block, when
 * the frames whose memory is online are exactly those in holes.
 */
void rs_holes_map(const u64 *pfns, u64 nr)
{
	u64 pb_bytes = PAGE_SIZE << pageblock_order, done = U64_MAX, s, i;

	for (i = 0; i < nr; i++) {
		if (!rs_frame_page(pfns[i]))
			continue;
		s = ALIGN_DOWN(PFN_PHYS(pfns[i]), pb_bytes);
		if (s == done)
			continue;
		if (rs_range_is_hole(s, s + pb_bytes)) {
			static_call(rs_init_memory_mapping)(s, s + pb_bytes,
							    PAGE_KERNEL);
			done = s;
		} else {
			static_call(rs_init_memory_mapping)(PFN_PHYS(pfns[i]),
							    PFN_PHYS(pfns[i] + 1),
							    PAGE_KERNEL);
		}
	}
	holes_mapped = true;
}

bool rs_frame_mapped(unsigned long pfn)
{
	return holes_mapped || !rs_frame_in_hole(pfn);
}

/* Copy mode: the frame's contents, wherever it is; NULL without memory. */
void *rs_frame_map(unsigned long pfn)
{
	if (rs_frame_mapped(pfn))
		return kmap_local_page(pfn_to_page(pfn));
	return memremap(PFN_PHYS(pfn), PAGE_SIZE, MEMREMAP_WB);
}

void rs_frame_unmap(unsigned long pfn, void *addr)
{
	if (rs_frame_mapped(pfn))
		kunmap_local(addr);
	else
		memunmap(addr);
}
