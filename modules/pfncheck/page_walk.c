// SPDX-License-Identifier: GPL-2.0
/*
 * The walk over the present pages of a frozen process that the PFN map and
 * the evacuation share: VMA by VMA, one page table per GUP call, holes in
 * the page tables skipped, nothing faulted in (FOLL_NOFAULT).
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "qr_compat.h"
#include "pfncheck.h"

#define PF_WALK_BATCH	512	/* pages per GUP call: one page table */

/* The mm of a parked thread of @p, referenced; NULL if none has one. */
static struct mm_struct *pf_proc_mm(struct pf_proc *p)
{
	struct mm_struct *mm = NULL;
	struct pf_thread *t;

	list_for_each_entry(t, &p->threads, node) {
		if (t->state != PF_PARKED)
			continue;
		mm = get_task_mm(t->task);
		if (mm)
			break;
	}
	return mm;
}

/*
 * If the page tables hold nothing at @addr, the end of the empty range
 * (at most @end); otherwise @addr. Only the upper levels are read: under
 * mmap_lock they are not freed, and GUP reads them the same way. This only
 * spares GUP calls on holes; GUP itself decides what is present.
 */
static unsigned long pf_skip_empty(struct mm_struct *mm, unsigned long addr,
				   unsigned long end)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud, pudv;
	pmd_t *pmd;

	if (pgd_none(READ_ONCE(*pgd)))
		return pgd_addr_end(addr, end);
	if (pgd_bad(READ_ONCE(*pgd)))
		return addr;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		return p4d_addr_end(addr, end);
	if (p4d_bad(READ_ONCE(*p4d)))
		return addr;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return pud_addr_end(addr, end);
	if (!pud_present(pudv) || pud_bad(pudv))	/* e.g. a huge page */
		return addr;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(READ_ONCE(*pmd)))
		return pmd_addr_end(addr, end);
	return addr;
}

void pf_walk_put(struct page **pages, long n, u32 how)
{
	long i;

	for (i = 0; i < n; i++) {
		if (how & PFNCHECK_PAGE_PINNED)
			unpin_user_page(pages[i]);
		else
			put_page(pages[i]);
	}
}

static int pf_walk_vma(const struct pf_walk *w, struct mm_struct *mm,
		       struct vm_area_struct *vma, struct page **batch)
{
	/* FOLL_FORCE: also pages present in PROT_NONE (but readable) VMAs. */
	const unsigned int gup = FOLL_NOFAULT | FOLL_FORCE;
	const u32 how = w->pin ? PFNCHECK_PAGE_PINNED : PFNCHECK_PAGE_HELD;
	unsigned long addr = vma->vm_start, end = vma->vm_end, next, nr;
	long got;
	int ret;

	while (addr < end) {
		if (fatal_signal_pending(current))
			return -EINTR;
		next = pf_skip_empty(mm, addr, end);
		if (next > addr) {
			addr = next;
			continue;
		}
		nr = (pmd_addr_end(addr, end) - addr) >> PAGE_SHIFT;
		if (w->pin)
			got = qr_pin_user_pages_remote(mm, addr, nr, gup, batch);
		else
			got = qr_get_user_pages_remote(mm, addr, nr, gup, batch);
		if (got > 0) {
			ret = w->pages(addr, batch, got, how, w->arg);
			if (ret)
				return ret;
			addr += got << PAGE_SHIFT;
			continue;
		}
		if (got < 0 && got != -EFAULT)
			return got;
		/*
		 * Not pinnable without a fault: absent, or an anonymous page
		 * shared copy-on-write (the kernel pins only exclusive ones, and
		 * would copy it). A plain reference tells the two apart.
		 */
		if (w->pin) {
			got = qr_get_user_pages_remote(mm, addr, 1, gup, batch);
			if (got == 1) {
				ret = w->pages(addr, batch, 1,
					       PFNCHECK_PAGE_HELD, w->arg);
				if (ret)
					return ret;
			} else if (got < 0 && got != -EFAULT) {
				return got;
			}
		}
		addr += PAGE_SIZE;
	}
	return 0;
}

int pf_walk_proc(struct pf_proc *p, const struct pf_walk *w)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	struct page **batch;
	int ret = 0;

	mm = pf_proc_mm(p);
	if (!mm)
		return -ESRCH;
	batch = kmalloc_array(PF_WALK_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch) {
		ret = -ENOMEM;
		goto out;
	}
	if (mmap_read_lock_killable(mm)) {
		ret = -EINTR;
		goto out;
	}
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			ret = w->vma(vma, w->arg);
			if (ret > 0)
				ret = pf_walk_vma(w, mm, vma, batch);
			if (ret)
				break;
		}
	}
	mmap_read_unlock(mm);
out:
	kfree(batch);
	mmput(mm);
	return ret;
}
