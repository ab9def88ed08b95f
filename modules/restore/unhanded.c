// SPDX-License-Identifier: GPL-2.0
/*
 * The RAM the hand-back could not give back, by reason: each block in the
 * kernel log, the sums in status/unhanded_bytes and status/unhanded, which
 * `quickreboot restore` and `quickreboot status` show. Never silent: a
 * machine that runs short of RAM after a quick reboot says why.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sysfs.h>

#include "restore.h"

static const char *const why_text[RS_UNHANDED_NR] = {
	[RS_UNHANDED_BOOT] = "shared with memory this kernel booted in (pageblocks hidden there)",
	[RS_UNHANDED_KEPT] = "shared with a range kept aside (the next boot area, the shelter)",
	[RS_UNHANDED_BUSY] = "shared with a busy resource",
	[RS_UNHANDED_SHARED] = "shared with a range that is neither RAM nor free address space (firmware tables, a device: see /proc/iomem)",
	[RS_UNHANDED_FAILED] = "the kernel did not add it (see its log)",
};

static u64 bytes[RS_UNHANDED_NR], blocks[RS_UNHANDED_NR];

void rs_unhanded_add(u64 start, u64 end, u64 ram, enum rs_unhanded_why why)
{
	if (!ram)
		return;
	bytes[why] += ram;
	blocks[why]++;
	WRITE_ONCE(rs_stats.unhanded_bytes, rs_stats.unhanded_bytes + ram);
	pr_warn("handback: block %#llx-%#llx: %llu KiB of RAM not handed back: %s\n",
		start, end - 1, ram >> 10, why_text[why]);
}

ssize_t rs_unhanded_show(char *buf)
{
	int at = 0, i;

	mutex_lock(&rs_lock);
	for (i = 0; i < RS_UNHANDED_NR; i++)
		if (bytes[i])
			at += sysfs_emit_at(buf, at, "%llu KiB in %llu block%s, %s\n",
					    bytes[i] >> 10, blocks[i],
					    blocks[i] == 1 ? "" : "s",
					    why_text[i]);
	mutex_unlock(&rs_lock);
	return at;
}
