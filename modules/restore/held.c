// SPDX-License-Identifier: GPL-2.0
/*
 * The frames held aside at HANDBACK, ascending, each with its state: a
 * frame is adopted, copied or released at most once. States change under
 * rs_lock; the online callback only reads them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "restore.h"

static u64 *frames;
static u8 *states;
static u64 nr_frames;

struct rs_stats rs_stats;

int rs_frames_set(u64 *pfns, u64 nr)
{
	states = kvcalloc(nr ?: 1, sizeof(*states), GFP_KERNEL);
	if (!states)
		return -ENOMEM;
	frames = pfns;
	nr_frames = nr;
	rs_stats.held = nr;
	return 0;
}

bool rs_frames_present(void)
{
	return states;
}

/* The index of the first frame >= pfn (nr_frames if none). */
static u64 lower_bound(unsigned long pfn)
{
	u64 lo = 0, hi = nr_frames;

	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (frames[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static long rs_frame_index(unsigned long pfn)
{
	u64 i = lower_bound(pfn);

	return i < nr_frames && frames[i] == pfn ? i : -1;
}

static enum rs_frame_state rs_frame_state(long idx)
{
	return READ_ONCE(states[idx]);
}

void rs_frame_set_state(long idx, enum rs_frame_state state)
{
	enum rs_frame_state old = states[idx];

	if (old == RS_HELD || old == RS_CLAIMED)
		rs_stats.held--;
	if (state == RS_HELD || state == RS_CLAIMED)
		rs_stats.held++;
	if (state == RS_ADOPTED)
		rs_stats.adopted++;
	else if (state == RS_COPIED)
		rs_stats.copied++;
	else if (state == RS_RELEASED)
		rs_stats.released++;
	WRITE_ONCE(states[idx], state);
}

/* Some frame of [pfn, pfn + nr) is held. */
bool rs_frames_any_held(unsigned long pfn, unsigned long nr)
{
	u64 i;

	for (i = lower_bound(pfn); i < nr_frames && frames[i] < pfn + nr; i++)
		if (rs_frame_state(i) == RS_HELD)
			return true;
	return false;
}

/* Frames listed in [pfn, pfn + nr), whatever their state. */
u64 rs_frames_in(unsigned long pfn, unsigned long nr)
{
	return lower_bound(pfn + nr) - lower_bound(pfn);
}

static const char *state_name(enum rs_frame_state s)
{
	switch (s) {
	case RS_HELD:
		return "held";
	case RS_CLAIMED:
		return "listed twice";
	case RS_ADOPTED:
		return "already adopted";
	case RS_COPIED:
		return "already copied";
	default:
		return "already released";
	}
}

/*
 * Claims frames pfns[0..nr) for one ADOPT, or none: each must be held and
 * listed once. idx[] receives their indexes.
 */
int rs_frames_claim(const u64 *pfns, u64 nr, long *idx)
{
	u64 i;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		idx[i] = rs_frame_index(pfns[i]);
		if (idx[i] < 0) {
			pr_info("adopt: frame %#llx was not handed back\n",
				pfns[i]);
			ret = -ENOENT;
			break;
		}
		if (rs_frame_state(idx[i]) != RS_HELD) {
			pr_info("adopt: frame %#llx is %s\n", pfns[i],
				state_name(rs_frame_state(idx[i])));
			ret = -EALREADY;
			break;
		}
		rs_frame_set_state(idx[i], RS_CLAIMED);
	}
	if (ret)
		rs_frames_unclaim(idx, i);
	return ret;
}

/* Frames claimed and not placed go back to held. */
void rs_frames_unclaim(const long *idx, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (rs_frame_state(idx[i]) == RS_CLAIMED)
			rs_frame_set_state(idx[i], RS_HELD);
}

/*
 * Held frames are RAM in use from the hand-back on: counted as managed
 * pages once their memory is online, not at adoption, so that MemTotal and
 * the overcommit check see them and the restorer can map a process larger
 * than the rest of RAM before it adopts its frames.
 */
void rs_frames_count_online(void)
{
	struct page *page;
	u64 i;

	for (i = 0; i < nr_frames; i++) {
		page = rs_frame_page(frames[i]);
		if (page && rs_frame_state(i) == RS_HELD) {
			adjust_managed_page_count(page, 1);
			if (rs_frame_in_hole(frames[i]))
				rs_stats.hole_frames++;
		}
	}
}

/*
 * A held frame leaves its held state: an allocated page with one reference,
 * not yet anything else. NULL if its memory is not online.
 */
struct page *rs_frame_take(unsigned long pfn)
{
	struct page *page = rs_frame_page(pfn);

	if (page)
		qr_held_page_take(page);
	return page;
}

/*
 * A held or claimed frame goes to the page allocator, as onlining would
 * have done, and ends in state (released or copied). A frame in a hole
 * that has no direct mapping (copy mode) stays reserved, not RAM.
 */
void rs_frame_free(long idx, enum rs_frame_state state)
{
	struct page *page = rs_frame_page(frames[idx]);

	/* Onlining counts it again. */
	if (page) {
		adjust_managed_page_count(page, -1);
		if (rs_frame_mapped(frames[idx])) {
			qr_held_page_take(page);
			generic_online_page(page, 0);
		}
	}
	rs_frame_set_state(idx, state);
}

/* RELEASE: every listed frame must be held; nr 0: all that are. */
int rs_release(struct qr_restore_release *arg)
{
	u64 *pfns = NULL, i, n = 0;
	long idx;
	int ret = 0;

	if (!rs_frames_present())
		return -ENOENT;
	if (arg->nr > nr_frames)
		return -EINVAL;
	if (arg->nr) {
		pfns = kvmalloc_array(arg->nr, sizeof(*pfns), GFP_KERNEL);
		if (!pfns)
			return -ENOMEM;
		if (copy_from_user(pfns, u64_to_user_ptr(arg->pfns),
				   arg->nr * sizeof(*pfns))) {
			ret = -EFAULT;
			goto out;
		}
		for (i = 0; i < arg->nr; i++) {
			idx = rs_frame_index(pfns[i]);
			if (idx < 0 || rs_frame_state(idx) != RS_HELD) {
				pr_info("release: frame %#llx is %s\n", pfns[i],
					idx < 0 ? "not handed back" :
					state_name(rs_frame_state(idx)));
				ret = idx < 0 ? -ENOENT : -EALREADY;
				goto out;
			}
			/* Claimed here so that a frame listed twice is refused. */
			rs_frame_set_state(idx, RS_CLAIMED);
		}
		for (i = 0; i < arg->nr; i++)
			rs_frame_free(rs_frame_index(pfns[i]), RS_RELEASED);
		n = arg->nr;
	} else {
		for (i = 0; i < nr_frames; i++) {
			if (rs_frame_state(i) == RS_HELD) {
				rs_frame_free(i, RS_RELEASED);
				n++;
			}
		}
	}
	arg->released = n;
out:
	if (ret && pfns)
		for (i = 0; i < arg->nr; i++) {
			idx = rs_frame_index(pfns[i]);
			if (idx >= 0 && rs_frame_state(idx) == RS_CLAIMED)
				rs_frame_set_state(idx, RS_HELD);
		}
	kvfree(pfns);
	return ret;
}

/* Module exit: held frames go to the allocator, then the table goes. */
void rs_frames_free(void)
{
	u64 i;

	for (i = 0; i < nr_frames; i++)
		if (rs_frame_state(i) == RS_HELD)
			rs_frame_free(i, RS_RELEASED);
	kvfree(frames);
	kvfree(states);
	frames = NULL;
	states = NULL;
	nr_frames = 0;
}
