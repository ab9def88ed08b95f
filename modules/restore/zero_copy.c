// SPDX-License-Identifier: GPL-2.0
/*
 * Zero copy: a held frame becomes a genuine anonymous page of the VMA, as
 * if do_anonymous_page() had allocated it: charged to the mm's memory
 * cgroup, anon rmap (exclusive), on the LRU, counted in RSS, mapped
 * writable where the VMA is. The page tables come from
 * apply_to_page_range(), which allocates them and holds the PTE lock; it
 * places a batch of pages within one page table per walk. A whole page
 * table's worth of frames that was a THP in the Old kernel (PMD-aligned
 * address, contiguous frames from a PMD-aligned one) becomes a THP again
 * (thp.c) where the VMA allows huge pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "restore.h"

struct rs_install {
	struct vm_area_struct *vma;
	unsigned long start;		/* address of folios[0] */
	struct folio *folios[RS_THP_NR];	/* one page table's worth */
	unsigned int placed;
};

/* Under the PTE lock, as in do_anonymous_page(). */
static int install_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct rs_install *in = data;
	struct vm_area_struct *vma = in->vma;
	struct folio *folio = in->folios[(addr - in->start) >> PAGE_SHIFT];
	pte_t entry;

	if (!pte_none(ptep_get(pte)))
		return -EEXIST;
	entry = pte_sw_mkyoung(mk_pte(&folio->page, vma->vm_page_prot));
	if (vma->vm_flags & VM_WRITE)
		entry = qr_pte_mkwrite_dirty(entry);
	/* Contents visible before the PTE, as for a fresh page. */
	__folio_mark_uptodate(folio);
	qr_add_mm_anon_counter(vma->vm_mm, 1);
	qr_call_new_anon_rmap(static_call(rs_new_anon_rmap), folio, vma, addr);
	static_call(rs_add_lru_vma)(folio, vma);
	set_pte_at(vma->vm_mm, addr, pte, entry);
	in->placed++;
	return 0;
}

/* A held frame made ready to map: out of the held state, charged. */
static struct folio *prepare(struct mm_struct *mm, u64 pfn, int *err)
{
	struct page *page = rs_frame_take(pfn);
	struct folio *folio;

	if (!page) {
		pr_err("adopt: frame %#llx is not online\n", pfn);
		*err = -EIO;
		return NULL;
	}
	folio = page_folio(page);
	if (!mem_cgroup_disabled() &&
	    static_call(rs_memcg_charge)(folio, mm, GFP_KERNEL)) {
		/* Out of the held state already: to the allocator. */
		folio_put(folio);
		*err = -ENOMEM;
		return NULL;
	}
	return folio;
}

/* The n frames at addr were a THP in the Old kernel, and may be one here. */
static bool thp_candidate(struct vm_area_struct *vma, unsigned long addr,
			  const u64 *pfns, unsigned int n)
{
	unsigned int i;

	if (n != RS_THP_NR || !IS_ALIGNED(addr, PMD_SIZE) ||
	    !IS_ALIGNED(pfns[0], RS_THP_NR))
		return false;
	for (i = 1; i < n; i++)
		if (pfns[i] != pfns[0] + i)
			return false;
	return rs_thp_allowed(vma);
}

/*
 * Called with mmap_lock held for reading, the frames claimed, and rs_lock
 * held, which guards the one rs_install (a page table's worth of folio
 * pointers is too much for the stack).
 */
int rs_adopt_zero_copy(struct vm_area_struct *vma, unsigned long addr,
		       const long *idx, const u64 *pfns, u64 nr, u64 *done)
{
	static struct rs_install in;
	unsigned int n, i;
	u64 base = 0;
	int ret = 0, err;

	if (!vma->anon_vma && static_call(rs_anon_vma_prepare)(vma))
		return -ENOMEM;
	in.vma = vma;
	while (base < nr && !ret) {
		/* One batch within one page table. */
		n = min_t(u64, nr - base, RS_THP_NR);
		n = min_t(u64, n, (pmd_addr_end(addr, addr + n * PAGE_SIZE) -
				   addr) >> PAGE_SHIFT);
		for (i = 0; i < n; i++) {
			in.folios[i] = prepare(vma->vm_mm, pfns[base + i], &err);
			if (!in.folios[i]) {
				if (err == -ENOMEM)
					rs_frame_set_state(idx[base + i],
							   RS_RELEASED);
				ret = err;
				n = i;
				break;
			}
		}
		in.start = addr;
		in.placed = 0;
		err = 0;
		if (thp_candidate(vma, addr, pfns + base, n) &&
		    !rs_place_thp(vma, addr, in.folios)) {
			in.placed = n;
			rs_stats.adopted_huge++;
		} else if (n) {
			err = apply_to_page_range(vma->vm_mm, addr,
						  n * PAGE_SIZE, install_pte,
						  &in);
		}
		for (i = 0; i < n; i++) {
			if (i < in.placed) {
				rs_frame_set_state(idx[base + i], RS_ADOPTED);
				continue;
			}
			folio_put(in.folios[i]);
			rs_frame_set_state(idx[base + i], RS_RELEASED);
		}
		if (err) {
			pr_err("adopt: frame %#llx not placed at %#lx: %d\n",
			       pfns[base + in.placed],
			       addr + in.placed * PAGE_SIZE, err);
			ret = err;
		}
		*done += in.placed;
		base += in.placed;
		addr += (unsigned long)in.placed << PAGE_SHIFT;
		cond_resched();
	}
	return ret;
}
