// SPDX-License-Identifier: GPL-2.0
/*
 * Evacuation: the anonymous pages of the frozen processes are moved out of
 * frame ranges where zero copy cannot keep them (the New kernel runs
 * there), before their PFN maps pin them, so that they are kept instead of
 * copied. alloc_contig_range() does the moving: it isolates a pageblock,
 * migrates every page in it elsewhere and gives us the emptied frames. An
 * emptied pageblock stays ours until the end, so that no page migrated
 * later lands in it; so does each wholly free pageblock of the ranges,
 * taken first for the same reason. A page migrated out can still land in a
 * pageblock of the ranges that is not ours (partly used, or holding kernel
 * pages): another pass collects the pages again, until one moves nothing.
 * A pageblock holding a page that cannot migrate fails whole (the kernel
 * checks the whole pageblock), and its process pages stay to be copied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/pageblock-flags.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "pfncheck.h"

#define PF_EV_ROUNDS	4	/* passes at most */
#define PF_EV_NAMED	4	/* pageblocks left that the log explains */

struct pf_ev {
	struct pfncheck_range *ranges;
	u32 nr_ranges;
	unsigned long *pfns;	/* frames of process pages in the ranges */
	u64 nr_pfns, cap_pfns;
	struct pfncheck_range *held;	/* frames taken */
	u64 nr_held, cap_held;
};

static bool pf_ev_in_ranges(const struct pf_ev *ev, unsigned long pfn)
{
	u32 lo = 0, hi = ev->nr_ranges;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (pfn < ev->ranges[mid].start_pfn)
			hi = mid;
		else if (pfn >= ev->ranges[mid].end_pfn)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Anonymous pages are in private VMAs of struct pages only. */
static int pf_ev_vma(struct vm_area_struct *vma, void *arg)
{
	return !(vma->vm_flags & (VM_IO | VM_PFNMAP | VM_SHARED));
}

/* Collects the frames of the anonymous pages in the ranges. */
static int pf_ev_pages(unsigned long addr, struct page **pages, long n,
		       u32 how, void *arg)
{
	struct pf_ev *ev = arg;
	int ret = 0;
	long i;

	for (i = 0; i < n && !ret; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);

		if (PageAnon(pages[i]) && pf_ev_in_ranges(ev, pfn)) {
			ret = pf_grow((void **)&ev->pfns, ev->nr_pfns,
				      &ev->cap_pfns, 1, sizeof(*ev->pfns));
			if (!ret)
				ev->pfns[ev->nr_pfns++] = pfn;
		}
	}
	pf_walk_put(pages, n, how);
	return ret;
}

static int pf_ev_collect_proc(struct pf_proc *p, void *arg)
{
	const struct pf_walk w = {
		.vma = pf_ev_vma,
		.pages = pf_ev_pages,
		.arg = arg,
	};
	int ret;

	if (p->map)		/* its pages are pinned: they cannot move */
		return 0;
	ret = pf_walk_proc(p, &w);
	return ret == -ESRCH ? 0 : ret;		/* no mm: nothing to move */
}

static int pf_ev_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* ev->pfns: the frames in the ranges, ascending, each once. */
static int pf_ev_collect(struct pf_ev *ev)
{
	size_t i, n = 0;
	int ret;

	ev->nr_pfns = 0;
	ret = pf_visit_frozen(pf_ev_collect_proc, ev);
	if (ret)
		return ret;
	sort(ev->pfns, ev->nr_pfns, sizeof(*ev->pfns), pf_ev_cmp, NULL);
	/* A page shared copy-on-write belongs to more than one process. */
	for (i = 0; i < ev->nr_pfns; i++)
		if (!n || ev->pfns[n - 1] != ev->pfns[i])
			ev->pfns[n++] = ev->pfns[i];
	ev->nr_pfns = n;
	return 0;
}

/* alloc_contig_range() wants online memory of one zone. */
static bool pf_ev_block_usable(unsigned long start)
{
	struct zone *zone = NULL;
	unsigned long pfn;

	for (pfn = start; pfn < start + pageblock_nr_pages; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || (zone && page_zone(page) != zone))
			return false;
		zone = page_zone(page);
	}
	return true;
}

/* No frame of the pageblock in use now (a hint: it can change). */
static bool pf_ev_block_free(unsigned long start)
{
	unsigned long pfn;

	for (pfn = start; pfn < start + pageblock_nr_pages; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || page_ref_count(page))
			return false;
	}
	return true;
}

/*
 * Empties frames [start, end) of a pageblock and keeps them. Returns 1
 * when it did, 0 when it could not (something there does not migrate),
 * or a negative error that must stop the evacuation.
 */
static int pf_ev_take(struct pf_ev *ev, unsigned long start,
		      unsigned long end)
{
	int ret;

	if (!pf_ev_block_usable(pageblock_start_pfn(start)))
		return 0;
	/* Room first: frames taken must never be lost track of. */
	ret = pf_grow((void **)&ev->held, ev->nr_held, &ev->cap_held, 1,
		      sizeof(*ev->held));
	if (ret)
		return ret;
	ret = alloc_contig_range(start, end, MIGRATE_MOVABLE,
				 GFP_KERNEL | __GFP_NOWARN);
	if (!ret) {
		ev->held[ev->nr_held++] = (struct pfncheck_range){ start, end };
		return 1;
	}
	return ret == -EINTR ? ret : 0;
}

/* Takes the wholly free pageblocks of the ranges. */
static int pf_ev_take_free(struct pf_ev *ev, u32 *nr)
{
	unsigned long pfn;
	u32 i;
	int ret;

	for (i = 0; i < ev->nr_ranges; i++) {
		pfn = pageblock_start_pfn(ev->ranges[i].start_pfn);
		for (; pfn < ev->ranges[i].end_pfn; pfn += pageblock_nr_pages) {
			if (!pf_ev_block_free(pfn))
				continue;
			ret = pf_ev_take(ev, pfn, pfn + pageblock_nr_pages);
			if (ret < 0)
				return ret;
			*nr += ret;
		}
	}
	return 0;
}

/*
 * One pass: every pageblock holding collected pages, once. What fails is
 * tried again by the next pass: some failures pass (a page briefly held
 * by someone else, a migration target not found). A pageblock cannot be
 * emptied in part: the kernel isolates whole pageblocks, and refuses one
 * with a page it cannot move.
 */
static int pf_ev_pass(struct pf_ev *ev, u32 *emptied, bool *moved)
{
	size_t i = 0;
	int ret;

	*moved = false;
	while (i < ev->nr_pfns) {
		unsigned long start = pageblock_start_pfn(ev->pfns[i]);

		while (i < ev->nr_pfns &&
		       ev->pfns[i] < start + pageblock_nr_pages)
			i++;
		ret = pf_ev_take(ev, start, start + pageblock_nr_pages);
		if (ret < 0)
			return ret;
		*emptied += ret;
		*moved |= ret;
	}
	return 0;
}

/* What keeps the pageblock at @start from being emptied, for the log. */
static const char *pf_ev_obstacle(unsigned long start, unsigned long *where)
{
	unsigned long pfn;

	for (pfn = start; pfn < start + pageblock_nr_pages; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		*where = pfn;
		if (!page)
			return "not online memory";
		if (PageTail(page) || !page_ref_count(page))
			continue;
		if (PageReserved(page))
			return "reserved";
		if (PageSlab(page))
			return "slab memory";
		if (PageTable(page))
			return "a page table";
		if (!PageLRU(page) && !__PageMovable(page))
			return "a kernel page";
	}

	*where = start;
	return "pages in use that did not migrate";
}

/* Pageblocks holding the pages left; the first few explained. */
static u32 pf_ev_left(const struct pf_ev *ev)
{
	unsigned long start, where;
	const char *why;
	size_t i = 0, n;
	u32 blocks = 0;

	while (i < ev->nr_pfns) {
		start = pageblock_start_pfn(ev->pfns[i]);
		for (n = 0; i < ev->nr_pfns &&
		     ev->pfns[i] < start + pageblock_nr_pages; n++)
			i++;
		if (blocks++ >= PF_EV_NAMED)
			continue;
		why = pf_ev_obstacle(start, &where);
		pr_info("evacuate: %zu pages left in pageblock 0x%lx: frame 0x%lx is %s\n",
			n, start, where, why);
	}
	return blocks;
}

static int pf_ev_ranges(struct pf_ev *ev, const struct pfncheck_evacuate *arg)
{
	const u64 limit = 1ULL << (MAX_PHYSMEM_BITS - PAGE_SHIFT);
	u32 i;

	if (arg->flags || !arg->nr_ranges ||
	    arg->nr_ranges > PFNCHECK_MAX_RANGES)
		return -EINVAL;
	ev->nr_ranges = arg->nr_ranges;
	ev->ranges = memdup_user(u64_to_user_ptr(arg->ranges),
				 array_size(ev->nr_ranges, sizeof(*ev->ranges)));
	if (IS_ERR(ev->ranges)) {
		int ret = PTR_ERR(ev->ranges);

		ev->ranges = NULL;
		return ret;
	}
	for (i = 0; i < ev->nr_ranges; i++) {
		const struct pfncheck_range *r = &ev->ranges[i];

		if (r->start_pfn >= r->end_pfn || r->end_pfn > limit ||
		    (i && r->start_pfn < ev->ranges[i - 1].end_pfn))
			return -EINVAL;
	}
	return 0;
}

static void pf_ev_free(struct pf_ev *ev)
{
	size_t i;

	for (i = 0; i < ev->nr_held; i++)
		free_contig_range(ev->held[i].start_pfn,
				  ev->held[i].end_pfn - ev->held[i].start_pfn);
	kfree(ev->ranges);
	kvfree(ev->pfns);
	kvfree(ev->held);
}

int pf_evacuate(struct pfncheck_evacuate *arg)
{
	struct pf_ev ev = { 0 };
	u64 t0 = ktime_get_ns();
	bool moved = true;
	int ret;

	ret = pf_ev_ranges(&ev, arg);
	if (ret)
		goto out;
	arg->nr_emptied = 0;
	arg->nr_free = 0;
	arg->rounds = 0;
	if (mutex_lock_interruptible(&pf_lock)) {
		ret = -ERESTARTSYS;
		goto out;
	}
	ret = pf_ev_collect(&ev);
	arg->nr_found = ev.nr_pfns;
	if (!ret && ev.nr_pfns)
		ret = pf_ev_take_free(&ev, &arg->nr_free);
	while (!ret && ev.nr_pfns && moved && arg->rounds < PF_EV_ROUNDS) {
		arg->rounds++;
		ret = pf_ev_pass(&ev, &arg->nr_emptied, &moved);
		if (!ret)
			ret = pf_ev_collect(&ev);
	}
	if (!ret) {
		arg->nr_left = ev.nr_pfns;
		arg->nr_busy = pf_ev_left(&ev);
	}
	mutex_unlock(&pf_lock);
	arg->elapsed_ns = ktime_get_ns() - t0;
	if (!ret)
		pr_info("evacuate: %llu pages moved out, %llu left in %u pageblocks (%u emptied, %u free held, %u passes) in %llu us\n",
			arg->nr_found - arg->nr_left, arg->nr_left,
			arg->nr_busy, arg->nr_emptied, arg->nr_free,
			arg->rounds, div_u64(arg->elapsed_ns, NSEC_PER_USEC));
out:
	pf_ev_free(&ev);
	return ret;
}
