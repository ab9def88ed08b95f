// SPDX-License-Identifier: GPL-2.0
/*
 * Zero copy: a held frame becomes a genuine anonymous page of the VMA, as
 * if do_anonymous_page() had allocated it: charged to the mm's memory
 * cgroup, anon rmap (exclusive), on the LRU, counted in RSS, mapped
 * writable where the VMA is. The page table comes from
 * apply_to_page_range(), which allocates it and holds the PTE lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "restore.h"

struct rs_install {
	struct vm_area_struct *vma;
	struct folio *folio;
	pte_t entry;
};

/* Under the PTE lock, as in do_anonymous_page(). */
static int install_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct rs_install *in = data;
	struct mm_struct *mm = in->vma->vm_mm;

	if (!pte_none(ptep_get(pte)))
		return -EEXIST;
	qr_add_mm_anon_counter(mm, 1);
	qr_call_new_anon_rmap(rs_mm.new_anon_rmap, in->folio, in->vma, addr);
	rs_mm.add_lru_vma(in->folio, in->vma);
	set_pte_at(mm, addr, pte, in->entry);
	return 0;
}

/* Called with mmap_lock held for reading, the frames claimed. */
int rs_adopt_zero_copy(struct vm_area_struct *vma, unsigned long addr,
		       const long *idx, const u64 *pfns, u64 nr, u64 *done)
{
	struct rs_install in = { .vma = vma };
	struct page *page;
	u64 i;
	int ret;

	if (!vma->anon_vma && rs_mm.anon_vma_prepare(vma))
		return -ENOMEM;
	for (i = 0; i < nr; i++, addr += PAGE_SIZE) {
		page = rs_frame_take(pfns[i]);
		if (!page) {
			pr_err("adopt: frame %#llx is not online\n", pfns[i]);
			return -EIO;
		}
		in.folio = page_folio(page);
		if (!mem_cgroup_disabled() &&
		    rs_mm.memcg_charge(in.folio, vma->vm_mm, GFP_KERNEL)) {
			ret = -ENOMEM;
			goto drop;
		}
		/* Contents visible before the PTE, as for a fresh page. */
		__folio_mark_uptodate(in.folio);
		in.entry = pte_sw_mkyoung(mk_pte(page, vma->vm_page_prot));
		if (vma->vm_flags & VM_WRITE)
			in.entry = qr_pte_mkwrite_dirty(in.entry);
		ret = apply_to_page_range(vma->vm_mm, addr, PAGE_SIZE,
					  install_pte, &in);
		if (ret)
			goto drop;
		rs_frame_set_state(idx[i], RS_ADOPTED);
		(*done)++;
		cond_resched();
	}
	return 0;

drop:
	/* Out of the held state already: the frame goes to the allocator. */
	folio_put(in.folio);
	rs_frame_set_state(idx[i], RS_RELEASED);
	pr_err("adopt: frame %#llx not placed at %#lx: %d\n", pfns[i], addr, ret);
	return ret;
}
