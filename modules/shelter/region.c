// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot shelter: the region. Parses region=SIZE@ADDR, checks that the
 * range is memory that boot reserved (memmap=SIZE$ADDR) and nothing else
 * uses, claims it and maps it. Nothing outside the region is ever mapped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "shelter_format.h"
#include "shelter.h"

#define SHELTER_NUMBER_MAX 32

/* A number as memparse() reads it (0x, 0 prefixes; K, M, G, T suffixes), overflow checked. */
static int parse_number(const char *s, size_t len, u64 *val)
{
	char buf[SHELTER_NUMBER_MAX];
	unsigned int shift = 0;
	u64 v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	switch (buf[len - 1]) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	}
	if (shift) {
		buf[--len] = '\0';
		if (!len)
			return -EINVAL;
	}
	if (kstrtoull(buf, 0, &v))
		return -EINVAL;
	if (check_shl_overflow(v, shift, val))
		return -EOVERFLOW;
	return 0;
}

int shelter_region_parse(const char *spec, u64 *start, u64 *size)
{
	const char *at;
	size_t len;

	if (!spec || !*spec) {
		pr_err("no region given: load with region=SIZE@ADDR (or boot with shelter.region=SIZE@ADDR)\n");
		return -EINVAL;
	}
	len = strlen(spec);
	if (spec[len - 1] == '\n')
		len--;
	at = strnchr(spec, len, '@');
	if (!at) {
		pr_err("region=%s: expected SIZE@ADDR, e.g. 64M@0x30000000\n",
		       spec);
		return -EINVAL;
	}
	if (parse_number(spec, at - spec, size)) {
		pr_err("region=%s: bad or overflowing size\n", spec);
		return -EINVAL;
	}
	if (parse_number(at + 1, spec + len - at - 1, start)) {
		pr_err("region=%s: bad or overflowing address\n", spec);
		return -EINVAL;
	}
	return 0;
}

/* The part of [start, end] covered by reserved iomem resources. */
struct shelter_cover {
	u64 start, end;
	bool whole;		/* one reserved resource holds all of it */
	bool any;		/* some of it is reserved */
	u64 first, last;	/* the first reserved piece found */
};

static int shelter_cover_piece(struct resource *res, void *arg)
{
	struct shelter_cover *c = arg;

	/* walk_iomem_res_desc() hands over resources clipped to [start, end] */
	if (res->start == c->start && res->end == c->end)
		c->whole = true;
	if (!c->any) {
		c->any = true;
		c->first = res->start;
		c->last = res->end;
	}
	return 0;
}

static int shelter_region_check(u64 start, u64 size)
{
	struct shelter_cover c = { .start = start };
	int ret;

	if (!size) {
		pr_err("region size is zero\n");
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(start)) {
		pr_err("region address 0x%llx is not page aligned (%lu)\n",
		       start, PAGE_SIZE);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(size)) {
		pr_err("region size 0x%llx is not page aligned (%lu)\n",
		       size, PAGE_SIZE);
		return -EINVAL;
	}
	if (size < 2 * SHELTER_HEADER_PAGE) {
		pr_err("region size 0x%llx is too small: the header page and at least one data page are needed\n",
		       size);
		return -EINVAL;
	}
	if (check_add_overflow(start, size - 1, &c.end)) {
		pr_err("region 0x%llx + 0x%llx overflows the address space\n",
		       start, size);
		return -EINVAL;
	}

	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, start, c.end,
			    &c, shelter_cover_piece);

	ret = region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
				IORES_DESC_NONE);
	if (ret == REGION_INTERSECTS) {
		pr_err("region 0x%llx-0x%llx is System RAM, not reserved memory: boot with memmap=SIZE$ADDR\n",
		       start, c.end);
		return -EINVAL;
	}
	if (ret != REGION_DISJOINT) {
		if (c.any)
			pr_err("region 0x%llx-0x%llx overlaps System RAM: only 0x%llx-0x%llx of it is reserved\n",
			       start, c.end, c.first, c.last);
		else
			pr_err("region 0x%llx-0x%llx overlaps System RAM\n",
			       start, c.end);
		return -EINVAL;
	}
	if (!c.any) {
		pr_err("region 0x%llx-0x%llx is not reserved memory: boot with memmap=SIZE$ADDR\n",
		       start, c.end);
		return -EINVAL;
	}
	if (!c.whole) {
		pr_err("region 0x%llx-0x%llx is larger than the reserved range: only 0x%llx-0x%llx of it is reserved\n",
		       start, c.end, c.first, c.last);
		return -EINVAL;
	}
	return 0;
}

int shelter_region_claim(struct shelter *sh)
{
	int ret;

	ret = shelter_region_check(sh->start, sh->size);
	if (ret)
		return ret;

	/* Busy from now on: no other driver, and no /dev/mem, can use it. */
	if (!request_mem_region(sh->start, sh->size, KBUILD_MODNAME)) {
		pr_err("region 0x%llx-0x%llx is busy: already claimed (see /proc/iomem)\n",
		       sh->start, sh->start + sh->size - 1);
		return -EBUSY;
	}
	sh->va = memremap(sh->start, sh->size, MEMREMAP_WB);
	if (!sh->va) {
		pr_err("region 0x%llx-0x%llx: cannot map it\n",
		       sh->start, sh->start + sh->size - 1);
		release_mem_region(sh->start, sh->size);
		return -ENOMEM;
	}
	return 0;
}

void shelter_region_release(struct shelter *sh)
{
	if (!sh->va)
		return;
	memunmap(sh->va);
	sh->va = NULL;
	release_mem_region(sh->start, sh->size);
}
