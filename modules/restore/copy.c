// SPDX-License-Identifier: GPL-2.0
/*
 * Copy mode: each frame's contents go into the process's own page at its
 * address, then the frame goes to the page allocator (but for a frame in a
 * hole of boot memory, which stays reserved: holes.c). Exported functions
 * only. access_process_vm() with FOLL_FORCE writes read-only private
 * mappings too, as a debugger would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "restore.h"

int rs_adopt_copy(unsigned long addr, const long *idx, const u64 *pfns,
		  u64 nr, u64 *done)
{
	struct page *page;
	void *kaddr;
	u64 i;
	int n;

	for (i = 0; i < nr; i++, addr += PAGE_SIZE) {
		page = rs_frame_page(pfns[i]);
		if (!page) {
			pr_err("adopt: frame %#llx is not online\n", pfns[i]);
			return -EIO;
		}
		kaddr = rs_frame_map(pfns[i]);
		if (!kaddr)
			return -ENOMEM;
		n = access_process_vm(current, addr, kaddr, PAGE_SIZE,
				      FOLL_FORCE | FOLL_WRITE);
		rs_frame_unmap(pfns[i], kaddr);
		if (n != PAGE_SIZE) {
			pr_err("adopt: cannot copy frame %#llx to %#lx\n",
			       pfns[i], addr);
			return -EFAULT;
		}
		rs_frame_free(idx[i], RS_COPIED);
		(*done)++;
		cond_resched();
	}
	return 0;
}
