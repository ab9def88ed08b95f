// SPDX-License-Identifier: GPL-2.0
/*
 * HANDBACK: validate the whole PFN map, hold its frames aside, and give the
 * New kernel back the RAM it was told at boot was reserved. Memory is added
 * in whole memory blocks with add_memory_driver_managed() (a block that
 * RAM fills only in part made to fit first: blockfit.c); while it comes
 * online, our online_page callback keeps the preserved frames, and every
 * page the firmware map does not call RAM, away from the page allocator.
 * Never MHP_MEMMAP_ON_MEMORY: the struct pages would be written over
 * preserved frames. RAM that cannot be given back is said (unhanded.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pageblock-flags.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "restore.h"

#define RS_MAX_RANGES	1024
/* The frame list is one allocation: 1 TiB of preserved memory at most. */
#define RS_MAX_FRAMES	(INT_MAX / sizeof(u64))
#define RS_RESOURCE	"System RAM (quickreboot)"

struct rs_range {
	u64 start, end;		/* bytes, [start, end) */
};

/* Kept for the online callback, which runs until module exit. */
static struct rs_range *ram;
static u32 nr_ram;
static struct rs_range *added;	/* blocks added, merged when adjacent */
static u32 nr_added;
static bool callback_set;
bool rs_handed_back;
/* Some block added holds pages that are not RAM (onlined only through us). */
bool rs_added_not_ram;
/*
 * The name of the resources added: /proc/iomem reads it as long as the
 * memory is there, which is after this module is gone (the memory is never
 * removed), so it cannot live in the module. Allocated once per load, never
 * freed.
 */
static const char *resource_name;

/* The page at pfn lies wholly inside one RAM range of the firmware map. */
static bool pfn_is_ram(unsigned long pfn, unsigned long nr)
{
	u64 s = PFN_PHYS(pfn), e = PFN_PHYS(pfn + nr);
	u32 i;

	for (i = 0; i < nr_ram; i++)
		if (s >= ram[i].start && e <= ram[i].end)
			return true;
	return false;
}

bool rs_pfn_added(unsigned long pfn)
{
	u64 a = PFN_PHYS(pfn);
	u32 i;

	for (i = 0; i < nr_added; i++)
		if (a >= added[i].start && a < added[i].end)
			return true;
	return false;
}

/* No page of [pfn, pfn + nr) is held back: all RAM, no held frame. */
static bool pages_wanted(unsigned long pfn, unsigned long nr)
{
	return pfn_is_ram(pfn, nr) && !rs_frames_any_held(pfn, nr);
}

/*
 * The online callback. Chunks are aligned to the buddy's largest order, so
 * each lies in one memory block; memory we did not add passes untouched.
 * Around held pages, the rest goes to the allocator in the largest aligned
 * pieces, not page by page.
 */
static void rs_online_page(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order, i = 0;
	unsigned int o;

	if (!rs_pfn_added(pfn) || pages_wanted(pfn, n)) {
		generic_online_page(page, order);
		return;
	}
	while (i < n) {
		if (!pages_wanted(pfn + i, 1)) {
			i++;
			continue;
		}
		o = min_t(unsigned int, __ffs(pfn + i), ilog2(n - i));
		while (o && !pages_wanted(pfn + i, 1UL << o))
			o--;
		generic_online_page(pfn_to_page(pfn + i), o);
		i += 1UL << o;
	}
}

static int found_resource(struct resource *res, void *arg)
{
	*(bool *)arg = true;
	return 1;
}

/* Some resource with all of flags overlaps [start, end). */
static bool iomem_overlaps(u64 start, u64 end, unsigned long flags)
{
	bool found = false;

	walk_iomem_res_desc(IORES_DESC_NONE, flags, start, end - 1, &found,
			    found_resource);
	return found;
}

bool rs_range_is_hole(u64 start, u64 end)
{
	return pfn_is_ram(PHYS_PFN(start), PHYS_PFN(end - start)) &&
	       !iomem_overlaps(start, end, IORESOURCE_SYSTEM_RAM) &&
	       !iomem_overlaps(start, end, IORESOURCE_MEM | IORESOURCE_BUSY);
}

static bool ranges_overlap(const struct rs_range *r, u32 n, u64 start, u64 end)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (r[i].start < end && start < r[i].end)
			return true;
	return false;
}

/* Why [start, end) cannot be handed back, or QR_BAD_NONE. */
static u32 area_verdict(u64 start, u64 end, const struct rs_range *keep,
			u32 nr_keep)
{
	if (ranges_overlap(keep, nr_keep, start, end))
		return QR_BAD_KEPT;
	if (iomem_overlaps(start, end, IORESOURCE_SYSTEM_RAM))
		return QR_BAD_BOOT_AREA;
	if (iomem_overlaps(start, end, IORESOURCE_MEM | IORESOURCE_BUSY))
		return QR_BAD_BUSY;
	return QR_BAD_NONE;
}

static struct rs_range *copy_ranges(u64 uaddr, u32 n)
{
	struct rs_range *r;
	u32 i;

	r = kvmalloc_array(n ?: 1, sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(r, u64_to_user_ptr(uaddr), n * sizeof(*r))) {
		kvfree(r);
		return ERR_PTR(-EFAULT);
	}
	for (i = 0; i < n; i++) {
		if (r[i].start >= r[i].end ||
		    r[i].end > (1ULL << MAX_PHYSMEM_BITS) ||
		    (i && r[i].start < r[i - 1].end)) {
			kvfree(r);
			return ERR_PTR(-ERANGE);
		}
	}
	return r;
}

/* Whole pages of ram[] in [s, e), in bytes. */
static u64 ram_bytes(u64 s, u64 e)
{
	u64 pages = 0, a, b;
	u32 i;

	for (i = 0; i < nr_ram; i++) {
		a = PFN_UP(max(s, ram[i].start));
		b = PFN_DOWN(min(e, ram[i].end));
		if (b > a)
			pages += b - a;
	}
	return PFN_PHYS(pages);
}

static bool ranges_cover(const struct rs_range *r, u32 n, u64 start, u64 end)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (r[i].start <= start && end <= r[i].end)
			return true;
	return false;
}

/*
 * The RAM of [s, e) that this kernel could have been given: neither its
 * own nor busy nor kept aside, nor a held frame, looked at in pieces of
 * unit bytes at least (pageblocks in a block this kernel booted in: what
 * was hidden there is whole pageblocks, and a page the kernel reserved
 * itself, as page 0, is no RAM lost).
 */
static u64 spare_ram(u64 s, u64 e, u64 unit, const struct rs_range *keep,
		     u32 nr_keep)
{
	u64 mid;

	if (!ram_bytes(s, e) || ranges_cover(keep, nr_keep, s, e))
		return 0;
	if (!area_verdict(s, e, keep, nr_keep))
		return ram_bytes(s, e) -
		       PFN_PHYS(rs_frames_in(PHYS_PFN(s), PHYS_PFN(e - s)));
	if (e - s <= unit)
		return 0;
	mid = s + (e - s) / 2;
	return spare_ram(s, mid, unit, keep, nr_keep) +
	       spare_ram(mid, e, unit, keep, nr_keep);
}

static u64 ram_pages(const struct rs_range *r, u32 n)
{
	u64 pages = 0;
	u32 i;

	for (i = 0; i < n; i++)
		if (PFN_DOWN(r[i].end) > PFN_UP(r[i].start))
			pages += PFN_DOWN(r[i].end) - PFN_UP(r[i].start);
	return pages;
}

/* Every frame: ascending, RAM, in a block that can be handed back. */
static int validate_pfns(struct qr_restore_handback *arg, const u64 *pfns,
			 const struct rs_range *keep, u32 nr_keep)
{
	u64 block = memory_block_size_bytes(), cur_block = U64_MAX, i;
	u32 verdict = QR_BAD_NONE;

	for (i = 0; i < arg->nr_pfns; i++) {
		u64 pfn = pfns[i], a = PFN_PHYS(pfn);
		u32 bad;

		if (i && pfn <= pfns[i - 1]) {
			bad = QR_BAD_ORDER;
		} else if (pfn >= PHYS_PFN(1ULL << MAX_PHYSMEM_BITS) ||
			   !pfn_is_ram(pfn, 1)) {
			bad = QR_BAD_NOT_RAM;
		} else {
			if (ALIGN_DOWN(a, block) != cur_block) {
				cur_block = ALIGN_DOWN(a, block);
				verdict = area_verdict(cur_block,
						       cur_block + block,
						       keep, nr_keep);
				if (!verdict &&
				    rs_block_fit(cur_block, cur_block + block,
						 a, false))
					verdict = QR_BAD_SHARED;
			}
			/*
			 * In a bad block, the frame's own reason if it has
			 * one; in a block this kernel runs in, a frame in a
			 * hole of it is held all the same (holes.c).
			 */
			bad = verdict;
			if (bad && area_verdict(a, a + PAGE_SIZE, keep, nr_keep))
				bad = area_verdict(a, a + PAGE_SIZE, keep,
						   nr_keep);
			else if (bad == QR_BAD_BOOT_AREA && rs_hole_frame_ok(pfn))
				bad = QR_BAD_NONE;
		}
		if (bad) {
			arg->bad_pfn = pfn;
			arg->bad_reason = bad;
			return -EINVAL;
		}
	}
	return 0;
}

/* The last block recorded was not added after all. */
static void unrecord_added(u64 start)
{
	if (added[nr_added - 1].start == start)
		nr_added--;
	else
		added[nr_added - 1].end = start;
}

static void record_added(u64 start, u64 end)
{
	if (nr_added && added[nr_added - 1].end == start) {
		added[nr_added - 1].end = end;
		return;
	}
	added[nr_added].start = start;
	added[nr_added].end = end;
	nr_added++;
}

/*
 * Debian's 6.1 does not online hot-added memory by itself; 6.12 does. The
 * block's state file is the one interface to online it that is exported
 * and legal under IBT.
 */
static int online_block(u64 start)
{
	char path[64];
	struct file *f;
	loff_t pos;
	ssize_t n;
	int tries;

	if (pfn_to_online_page(PHYS_PFN(start)))
		return 0;
	snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%llu/state",
		 div64_u64(start, memory_block_size_bytes()));
	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* The store gives up at once when the hotplug lock is taken. */
	for (tries = 0; tries < 100; tries++) {
		pos = 0;
		n = kernel_write(f, "online", 6, &pos);
		if (n != -ERESTARTNOINTR)
			break;
		msleep(20);
	}
	filp_close(f, NULL);
	if (tries)
		pr_info("handback: onlining %s waited %d times for the hotplug lock\n",
			path, tries);
	if (pfn_to_online_page(PHYS_PFN(start)))
		return 0;
	return n < 0 ? n : -EIO;
}

/* Why a block is not added, for unhanded.c. */
static enum rs_unhanded_why unhanded_why(u32 verdict)
{
	switch (verdict) {
	case QR_BAD_BOOT_AREA:
		return RS_UNHANDED_BOOT;
	case QR_BAD_KEPT:
		return RS_UNHANDED_KEPT;
	case QR_BAD_BUSY:
		return RS_UNHANDED_BUSY;
	default:
		return RS_UNHANDED_SHARED;
	}
}

/*
 * Adds and onlines the block [b, b + block), ram_at one of its RAM pages,
 * if it can be handed back. Not added, the RAM it leaves out is said.
 */
static int add_block(u64 b, u64 ram_at, const struct rs_range *keep,
		     u32 nr_keep, u64 *bytes)
{
	u64 block = memory_block_size_bytes();
	u32 verdict = area_verdict(b, b + block, keep, nr_keep);
	int ret;

	if (!verdict && rs_block_fit(b, b + block, ram_at, true))
		verdict = QR_BAD_SHARED;
	if (verdict) {
		rs_unhanded_add(b, b + block,
				spare_ram(b, b + block,
					  verdict == QR_BAD_BOOT_AREA ?
					  PAGE_SIZE << pageblock_order :
					  PAGE_SIZE, keep, nr_keep),
				unhanded_why(verdict));
		return 0;
	}
	if (!resource_name)
		resource_name = kstrdup(RS_RESOURCE, GFP_KERNEL);
	if (!resource_name)
		return -ENOMEM;
	/* Before the add: 6.12 onlines inside it. */
	record_added(b, b + block);
	ret = add_memory_driver_managed(memory_add_physaddr_to_nid(b), b, block,
					resource_name, MHP_MERGE_RESOURCE);
	if (ret) {
		unrecord_added(b);
		pr_err("handback: cannot add %#llx-%#llx: %d\n", b, b + block - 1,
		       ret);
		rs_unhanded_add(b, b + block,
				spare_ram(b, b + block, PAGE_SIZE, keep, nr_keep),
				RS_UNHANDED_FAILED);
		return 0;
	}
	*bytes += block;
	if (!pfn_is_ram(PHYS_PFN(b), PHYS_PFN(block)))
		rs_added_not_ram = true;
	ret = online_block(b);
	if (ret)
		pr_err("handback: cannot online %#llx-%#llx: %d\n", b,
		       b + block - 1, ret);
	return ret;
}

/* Adds and onlines every block of ram[] that can be handed back. */
static int add_blocks(const struct rs_range *keep, u32 nr_keep, u64 *bytes)
{
	u64 block = memory_block_size_bytes(), last = U64_MAX, b;
	u32 i;
	int ret;

	for (i = 0; i < nr_ram; i++) {
		for (b = ALIGN_DOWN(ram[i].start, block); b < ram[i].end;
		     b += block) {
			if (b == last)
				continue;
			last = b;
			ret = add_block(b, PFN_PHYS(PFN_UP(max(b, ram[i].start))),
					keep, nr_keep, bytes);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static const char *const bad_names[] = {
	[QR_BAD_ORDER]		= "not ascending (listed twice?)",
	[QR_BAD_NOT_RAM]	= "not RAM in the firmware map",
	[QR_BAD_BOOT_AREA]	= "in memory this kernel runs in",
	[QR_BAD_KEPT]		= "in a range kept for the next boot",
	[QR_BAD_BUSY]		= "in a busy resource",
	[QR_BAD_SHARED]		= "in a block shared with another resource",
};

static int refuse(struct qr_restore_handback *arg, u32 reason, u64 pfn)
{
	arg->bad_reason = reason;
	arg->bad_pfn = pfn;
	if (reason == QR_BAD_COUNT)
		pr_info("handback refused: %llu frames, more than ram[] holds\n",
			pfn);
	else if (reason == QR_BAD_RANGES)
		pr_info("handback refused: ram[] or keep[] malformed\n");
	else
		pr_info("handback refused: frame %#llx %s\n", pfn,
			bad_names[reason]);
	return -EINVAL;
}

int rs_handback(struct qr_restore_handback *arg)
{
	struct rs_range *keep = NULL, *r;
	u64 *pfns = NULL, start = ktime_get_ns(), bytes = 0, nr_blocks;
	u64 block = memory_block_size_bytes();
	u32 i;
	int ret;

	arg->bad_pfn = 0;
	arg->bad_reason = QR_BAD_NONE;
	arg->added_bytes = 0;
	arg->mode = rs_mode;
	if (arg->flags || arg->reserved)
		return -EINVAL;
	if (rs_handed_back)
		return -EBUSY;
	if (!arg->nr_ram || arg->nr_ram > RS_MAX_RANGES ||
	    arg->nr_keep > RS_MAX_RANGES)
		return refuse(arg, QR_BAD_RANGES, 0);

	r = copy_ranges(arg->ram, arg->nr_ram);
	if (IS_ERR(r))
		return PTR_ERR(r) == -ERANGE ? refuse(arg, QR_BAD_RANGES, 0) :
					       PTR_ERR(r);
	ram = r;
	nr_ram = arg->nr_ram;
	keep = copy_ranges(arg->keep, arg->nr_keep);
	if (IS_ERR(keep)) {
		ret = PTR_ERR(keep) == -ERANGE ?
		      refuse(arg, QR_BAD_RANGES, 0) : PTR_ERR(keep);
		keep = NULL;
		goto fail;
	}
	if (arg->nr_pfns > ram_pages(ram, nr_ram) ||
	    arg->nr_pfns > RS_MAX_FRAMES) {
		ret = refuse(arg, QR_BAD_COUNT, arg->nr_pfns);
		goto fail;
	}
	pfns = kvmalloc_array(arg->nr_pfns ?: 1, sizeof(*pfns),
			      GFP_KERNEL | __GFP_NOWARN);
	if (!pfns) {
		ret = -ENOMEM;
		goto fail;
	}
	if (copy_from_user(pfns, u64_to_user_ptr(arg->pfns),
			   arg->nr_pfns * sizeof(*pfns))) {
		ret = -EFAULT;
		goto fail;
	}
	ret = validate_pfns(arg, pfns, keep, arg->nr_keep);
	if (ret) {
		refuse(arg, arg->bad_reason, arg->bad_pfn);
		goto fail;
	}
	/* Before any block is added: online frames are those in holes. */
	if (rs_mode == QR_MODE_ZERO_COPY)
		rs_holes_map(pfns, arg->nr_pfns);

	/* Valid: from here on, memory changes hands. */
	nr_blocks = 0;
	for (i = 0; i < nr_ram; i++)
		nr_blocks += DIV_ROUND_UP_ULL(ram[i].end, block) -
			     div64_u64(ram[i].start, block);
	added = kvmalloc_array(nr_blocks, sizeof(*added),
			       GFP_KERNEL | __GFP_NOWARN);
	if (!added) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = rs_frames_set(pfns, arg->nr_pfns);
	if (ret)
		goto fail;
	pfns = NULL;
	ret = set_online_page_callback(rs_online_page);
	if (ret) {
		pr_err("handback: another driver owns the online page callback\n");
		rs_frames_free();
		ret = -EBUSY;
		goto fail;
	}
	callback_set = true;
	rs_handed_back = true;
	ret = add_blocks(keep, arg->nr_keep, &bytes);
	rs_frames_count_online();
	rs_stats.added_bytes = bytes;
	arg->added_bytes = bytes;
	arg->elapsed_ns = ktime_get_ns() - start;
	kvfree(keep);
	if (!ret)
		pr_info("handback: %llu frames held, %llu MiB added in %llu ms\n",
			arg->nr_pfns, bytes >> 20, arg->elapsed_ns / NSEC_PER_MSEC);
	return ret;

fail:
	kvfree(pfns);
	kvfree(keep);
	kvfree(added);
	added = NULL;
	kvfree(ram);
	ram = NULL;
	nr_ram = 0;
	return ret;
}

/* Module exit: held frames go to the allocator before the callback goes. */
void rs_handback_exit(void)
{
	rs_frames_free();
	if (callback_set)
		restore_online_page_callback(rs_online_page);
	kvfree(added);
	kvfree(ram);
}
