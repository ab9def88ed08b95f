// SPDX-License-Identifier: GPL-2.0
/*
 * ADOPT: held frames become the pages of a range of the caller's memory.
 * The checks are the same in both modes and come first, so that a refusal
 * changes nothing: the range lies in one private VMA, nothing is mapped
 * there yet (a page already there, even the zero page after a read, is
 * refused rather than replaced: the restorer maps fresh memory), and every
 * frame is held and listed once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "restore.h"

static int pte_in_use(pte_t *pte, unsigned long addr, void *data)
{
	return -EEXIST;
}

/* Nothing is mapped in [addr, addr + size): no huge entry, no PTE. */
static int range_unmapped(struct mm_struct *mm, unsigned long addr,
			  unsigned long size)
{
	unsigned long a, end = addr + size;

	for (a = addr; a < end; a = pmd_addr_end(a, end)) {
		pgd_t *pgd = pgd_offset(mm, a);
		p4d_t *p4d;
		pud_t *pud;
		pmd_t pmd;

		if (pgd_none(*pgd))
			continue;
		p4d = p4d_offset(pgd, a);
		if (p4d_none(*p4d))
			continue;
		pud = pud_offset(p4d, a);
		if (pud_none(*pud))
			continue;
		if (pud_leaf(*pud))
			return -EEXIST;
		pmd = READ_ONCE(*pmd_offset(pud, a));
		if (pmd_none(pmd))
			continue;
		if (!pmd_present(pmd) || pmd_leaf(pmd))
			return -EEXIST;
	}
	/* Calls pte_in_use() for every PTE that is not empty. */
	return apply_to_existing_page_range(mm, addr, size, pte_in_use, NULL);
}

/* One private VMA holds the whole range, and pages can live in it. */
static struct vm_area_struct *adopt_vma(struct mm_struct *mm,
					unsigned long addr, unsigned long size)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma || size > vma->vm_end - addr) {
		pr_info("adopt: %#lx-%#lx is not inside one mapping\n", addr,
			addr + size - 1);
		return NULL;
	}
	if (vma->vm_flags & (VM_SHARED | VM_SPECIAL | VM_HUGETLB | VM_SHADOW_STACK)) {
		pr_info("adopt: %#lx-%#lx is not a private memory mapping\n",
			addr, addr + size - 1);
		return NULL;
	}
	return vma;
}

int rs_adopt(struct qr_restore_adopt *arg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long addr = arg->addr, size;
	u64 *pfns = NULL, start;
	long *idx = NULL;
	int ret;

	arg->mode = rs_mode;
	arg->done = 0;
	if (arg->flags || !mm)
		return -EINVAL;
	if (!rs_frames_present())
		return -ENOENT;
	if (!arg->nr || arg->nr > rs_stats.held || !PAGE_ALIGNED(addr) ||
	    addr >= TASK_SIZE || arg->nr > (TASK_SIZE - addr) >> PAGE_SHIFT)
		return -EINVAL;
	size = arg->nr << PAGE_SHIFT;

	pfns = kvmalloc_array(arg->nr, sizeof(*pfns), GFP_KERNEL);
	idx = kvmalloc_array(arg->nr, sizeof(*idx), GFP_KERNEL);
	if (!pfns || !idx) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(pfns, u64_to_user_ptr(arg->pfns),
			   arg->nr * sizeof(*pfns))) {
		ret = -EFAULT;
		goto out;
	}

	ret = rs_frames_claim(pfns, arg->nr, idx);
	if (ret)
		goto out;
	start = ktime_get_ns();
	mmap_read_lock(mm);
	vma = adopt_vma(mm, addr, size);
	ret = vma ? range_unmapped(mm, addr, size) : -EINVAL;
	if (ret == -EEXIST)
		pr_info("adopt: %#lx-%#lx already has pages\n", addr,
			addr + size - 1);
	if (!ret && rs_mode == QR_MODE_ZERO_COPY)
		ret = rs_adopt_zero_copy(vma, addr, idx, pfns, arg->nr,
					 &arg->done);
	mmap_read_unlock(mm);
	if (!ret && rs_mode == QR_MODE_COPY)
		ret = rs_adopt_copy(addr, idx, pfns, arg->nr, &arg->done);
	if (rs_mode == QR_MODE_ZERO_COPY)
		rs_stats.adopt_ns += ktime_get_ns() - start;
	else
		rs_stats.copy_ns += ktime_get_ns() - start;
	rs_frames_unclaim(idx, arg->nr);
out:
	kvfree(idx);
	kvfree(pfns);
	return ret;
}
