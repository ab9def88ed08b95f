// SPDX-License-Identifier: GPL-2.0
/*
 * Zero copy of a transparent huge page: RS_THP_NR held frames, physically
 * contiguous and aligned as the Old kernel's THP was, become one PMD-mapped
 * anonymous THP, as __do_huge_pmd_anonymous_page() would have left it: a
 * compound page of PMD order made a THP, charged whole to the mm's memory
 * cgroup, exclusive anon rmap of the whole folio (which counts
 * NR_ANON_THPS), on the LRU, a page table deposited for a later split, a
 * huge PMD writable and dirty where the VMA is writable.
 *
 * Not queued for 6.12's shrinker of underused THPs (deferred_split_folio()),
 * which only ever splits them.
 *
 * Everything that can fail comes before the frames change: a THP is built
 * whole under the PMD lock, or not at all and the caller maps 4 KiB pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/pgtable.h>
#include <linux/sched/coredump.h>

#include "restore.h"

/* The kernel would give this VMA huge pages at a fault. */
bool rs_thp_allowed(struct vm_area_struct *vma)
{
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	       has_transparent_hugepage() && vma_is_anonymous(vma) &&
	       !(vma->vm_flags & VM_NOHUGEPAGE) &&
	       !test_bit(MMF_DISABLE_THP, &vma->vm_mm->flags);
}

/* The PMD for addr, the levels above it allocated; NULL without memory. */
static pmd_t *pmd_alloc_for(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd) && static_call(rs_p4d_alloc)(mm, pgd, addr))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) && static_call(rs_pud_alloc)(mm, p4d, addr))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) && static_call(rs_pmd_alloc)(mm, pud, addr))
		return NULL;
	return pmd_offset(pud, addr);
}

/* Every frame was charged to one memory cgroup (the mm may have moved). */
static bool one_memcg(struct folio **folios)
{
	unsigned int i;

	for (i = 1; i < RS_THP_NR; i++)
		if (folios[i]->memcg_data != folios[0]->memcg_data)
			return false;
	return true;
}

/*
 * Each frame was charged as a page of its own, each charge holding a
 * reference on the memory cgroup. A THP is charged whole on its head and
 * uncharged in one go: the tails give their charge to the head.
 */
static void charge_to_head(struct folio **folios)
{
	struct mem_cgroup *memcg;
	unsigned int i;

	if (mem_cgroup_disabled())
		return;
	for (i = 1; i < RS_THP_NR; i++) {
		memcg = folio_memcg(folios[i]);
		folios[i]->memcg_data = 0;
		if (memcg)
			css_put(&memcg->css);
	}
}

/*
 * folios[]: the frames for [haddr, haddr + PMD_SIZE), each an allocated,
 * charged page (one reference, as prepare() leaves them), physically
 * contiguous from a PMD-aligned frame. 0: they are one mapped THP now.
 * Otherwise nothing changed.
 */
int rs_place_thp(struct vm_area_struct *vma, unsigned long haddr,
		 struct folio **folios)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio = folios[0];
	pgtable_t pgtable;
	spinlock_t *ptl;
	pmd_t *pmd, entry;
	unsigned int i;

	if (!one_memcg(folios))
		return -EAGAIN;
	pmd = pmd_alloc_for(mm, haddr);
	if (!pmd)
		return -ENOMEM;
	/* A page table there already: left to the 4 KiB path. */
	if (!pmd_none(READ_ONCE(*pmd)))
		return -EEXIST;
	pgtable = static_call(rs_pte_alloc_one)(mm);
	if (!pgtable)
		return -ENOMEM;

	ptl = pmd_lock(mm, pmd);
	if (!pmd_none(*pmd)) {
		spin_unlock(ptl);
		pte_free(mm, pgtable);
		return -EEXIST;
	}
	/* As the page allocator leaves a compound page: tails unreferenced. */
	charge_to_head(folios);
	for (i = 1; i < RS_THP_NR; i++)
		set_page_count(&folios[i]->page, 0);
	static_call(rs_prep_compound)(&folio->page, ilog2(RS_THP_NR));
	qr_call_prep_thp(static_call(rs_prep_thp), folio);
	/* Contents visible before the PMD, as for a fresh page. */
	__folio_mark_uptodate(folio);

	entry = mk_huge_pmd(&folio->page, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = qr_pmd_mkwrite_dirty(entry);
	qr_call_new_anon_rmap(static_call(rs_new_anon_rmap), folio, vma, haddr);
	static_call(rs_add_lru_vma)(folio, vma);
	static_call(rs_deposit)(mm, pmd, pgtable);
	set_pmd_at(mm, haddr, pmd, entry);
	update_mmu_cache_pmd(vma, haddr, pmd);
	qr_add_mm_anon_counter(mm, RS_THP_NR);
	mm_inc_nr_ptes(mm);
	spin_unlock(ptl);
	return 0;
}
