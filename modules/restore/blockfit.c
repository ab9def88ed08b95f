// SPDX-License-Identifier: GPL-2.0
/*
 * A memory block that RAM fills only in part, made acceptable to
 * add_memory_driver_managed(), or found not to be.
 *
 * The add requests the whole block as a resource, which must then lie in
 * free address space or wholly inside one resource that is not busy. The
 * RAM this kernel was told is reserved (memmap=SIZE$ADDR) is a "Reserved"
 * resource that ends where the firmware's RAM ends, or starts where it
 * starts after a hole: inside a block when the machine's RAM ends there,
 * as it often does (firmware reservations, a last block cut short). The
 * add collides with it (EEXIST). Where the rest of the block is free
 * address space, that resource is stretched over it: the block nests in
 * it, and the online callback keeps the block's pages that are not RAM
 * from the allocator like any other. A block that shares its addresses
 * with another resource (ACPI tables, a device, a second reserved range)
 * cannot be added.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/mm.h>

#include "restore.h"

#define RS_PROBE	"quickreboot probe"

/*
 * [start, end) could be requested under parent now: free there, or nested
 * in one resource that is not busy. *where: the resource it would nest in.
 * The probe holds the range for an instant, busy, and lets it go.
 */
static bool requestable(struct resource *parent, u64 start, u64 end,
			struct resource **where)
{
	struct resource *r;

	r = __request_region(parent, start, end - start, RS_PROBE, 0);
	if (!r)
		return false;
	if (where)
		*where = r->parent;
	__release_region(parent, start, end - start);
	return true;
}

/* [start, end) is free address space right under parent. */
static bool free_under(struct resource *parent, u64 start, u64 end)
{
	struct resource *where;

	return start >= end ||
	       (requestable(parent, start, end, &where) && where == parent);
}

/*
 * The resource holding ram_at, RAM of the block [b, e), if stretching it
 * over the whole block makes the block nest in it: the rest of the block
 * is free next to it, and the block's part inside it is free in it.
 */
static struct resource *holder(u64 b, u64 e, u64 ram_at)
{
	struct resource *p;
	u64 ps, pe;

	if (!requestable(&iomem_resource, ram_at, ram_at + PAGE_SIZE, &p) ||
	    p == &iomem_resource || !p->parent)
		return NULL;
	ps = p->start;
	pe = p->end + 1;
	if (!free_under(p->parent, b, min(ps, e)) ||
	    !free_under(p->parent, max(pe, b), e) ||
	    !free_under(p, max(ps, b), min(pe, e)))
		return NULL;
	return p;
}

int rs_block_fit(u64 b, u64 e, u64 ram_at, bool apply)
{
	resource_size_t start, size;
	struct resource *p;

	if (requestable(&iomem_resource, b, e, NULL))
		return 0;
	p = holder(b, e, ram_at);
	if (!p)
		return -EBUSY;
	if (!apply)
		return 0;
	start = p->start;
	size = resource_size(p);
	if (adjust_resource(p, min_t(u64, start, b),
			    max_t(u64, start + size, e) - min_t(u64, start, b)))
		return -EBUSY;
	if (requestable(&iomem_resource, b, e, NULL)) {
		pr_info("handback: %s %#llx-%#llx stretched to %pR for the block %#llx-%#llx\n",
			p->name, (u64)start, (u64)(start + size - 1), p, b,
			e - 1);
		return 0;
	}
	adjust_resource(p, start, size);
	return -EBUSY;
}
