// SPDX-License-Identifier: GPL-2.0
/*
 * The PFN map of a frozen process: its VMAs, and for each present page the
 * frame it lives in. Each recorded page is pinned (FOLL_PIN: not reclaimed,
 * not migrated, its PTE not unmapped) until the thaw. Nothing is faulted in:
 * absent pages stay absent (FOLL_NOFAULT).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pfncheck.h"

static atomic_long_t pf_refs = ATOMIC_LONG_INIT(0);

long pf_nr_refs(void)
{
	return atomic_long_read(&pf_refs);
}

static void pf_map_free(struct pf_map *m)
{
	u64 i;

	for (i = 0; i < m->nr_pages; i++) {
		if (m->pages[i].flags & PFNCHECK_PAGE_PINNED)
			unpin_user_page(m->refs[i]);
		else
			put_page(m->refs[i]);
	}
	atomic_long_sub(m->nr_pages, &pf_refs);
	kvfree(m->vmas);
	kvfree(m->pages);
	kvfree(m->refs);
	kfree(m);
}

void pf_map_release(struct pf_proc *p)
{
	if (p->map) {
		pf_map_free(p->map);
		p->map = NULL;
	}
}

static int pf_grow_pages(struct pf_map *m, u64 more)
{
	u64 cap = m->cap_pages;
	int ret;

	ret = pf_grow((void **)&m->pages, m->nr_pages, &cap, more,
		      sizeof(*m->pages));
	if (ret)
		return ret;
	cap = m->cap_pages;
	ret = pf_grow((void **)&m->refs, m->nr_pages, &cap, more,
		      sizeof(*m->refs));
	if (ret) {
		/* pages[] grew, refs[] did not: keep the smaller capacity. */
		return ret;
	}
	m->cap_pages = cap;
	return 0;
}

static int pf_record_pages(struct pf_map *m, unsigned long addr,
			   struct page **batch, long n, u32 how)
{
	long i;
	int ret;

	ret = pf_grow_pages(m, n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct pfncheck_page *pg = &m->pages[m->nr_pages];
		struct page *page = batch[i];

		pg->addr = addr + i * PAGE_SIZE;
		pg->pfn = page_to_pfn(page);
		pg->flags = how;
		pg->reserved = 0;
		if (is_zero_pfn(pg->pfn))
			pg->flags |= PFNCHECK_PAGE_ZERO;
		if (PageCompound(page))
			pg->flags |= PFNCHECK_PAGE_COMPOUND;
		if (PageAnon(page))
			pg->flags |= PFNCHECK_PAGE_ANON;
		m->refs[m->nr_pages++] = page;
	}
	atomic_long_add(n, &pf_refs);
	if (how & PFNCHECK_PAGE_PINNED)
		m->nr_pinned += n;
	else
		m->nr_held += n;
	return 0;
}

static u32 pf_vma_flags(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long f = vma->vm_flags;
	u32 flags = 0;

	if (f & VM_READ)
		flags |= PFNCHECK_VMA_READ;
	if (f & VM_WRITE)
		flags |= PFNCHECK_VMA_WRITE;
	if (f & VM_EXEC)
		flags |= PFNCHECK_VMA_EXEC;
	if (f & VM_SHARED)
		flags |= PFNCHECK_VMA_SHARED;
	if (f & VM_GROWSDOWN)
		flags |= PFNCHECK_VMA_GROWSDOWN;
	if (f & VM_LOCKED)
		flags |= PFNCHECK_VMA_LOCKED;
	if (f & (VM_IO | VM_PFNMAP))
		flags |= PFNCHECK_VMA_SPECIAL;
	flags |= vma->vm_file ? PFNCHECK_VMA_FILE : PFNCHECK_VMA_ANON;
	if (vma->vm_start <= mm->start_stack && mm->start_stack < vma->vm_end)
		flags |= PFNCHECK_VMA_STACK;
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		flags |= PFNCHECK_VMA_HEAP;
	return flags;
}

/* Records @vma; its pages are walked unless it maps no pages (IO, PFN). */
static int pf_map_vma(struct vm_area_struct *vma, void *arg)
{
	struct pf_map *m = arg;
	struct pfncheck_vma *v;
	u64 cap = m->cap_vmas;
	int ret;

	ret = pf_grow((void **)&m->vmas, m->nr_vmas, &cap, 1, sizeof(*v));
	if (ret)
		return ret;
	m->cap_vmas = cap;
	v = &m->vmas[m->nr_vmas++];
	memset(v, 0, sizeof(*v));
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->pgoff = vma->vm_pgoff;
	v->vm_flags = vma->vm_flags;
	v->flags = pf_vma_flags(vma->vm_mm, vma);
	v->first_page = m->nr_pages;
	return !(v->flags & PFNCHECK_VMA_SPECIAL);
}

/* Records pages of the last VMA recorded. */
static int pf_map_pages(unsigned long addr, struct page **pages, long n,
			u32 how, void *arg)
{
	struct pf_map *m = arg;
	int ret;

	ret = pf_record_pages(m, addr, pages, n, how);
	if (ret) {
		pf_walk_put(pages, n, how);
		return ret;
	}
	m->vmas[m->nr_vmas - 1].nr_pages += n;
	return 0;
}

static int pf_map_build(struct pf_proc *p)
{
	struct pf_walk w = {
		.pin = true,
		.vma = pf_map_vma,
		.pages = pf_map_pages,
	};
	struct pf_map *m;
	u64 t0 = ktime_get_ns();
	int ret;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	w.arg = m;
	ret = pf_walk_proc(p, &w);
	if (ret) {
		pf_map_free(m);
		pr_warn("pfnmap %d: failed (%d); nothing pinned\n", p->nr, ret);
		return ret;
	}
	m->elapsed_ns = ktime_get_ns() - t0;
	p->map = m;
	pr_info("pfnmap %d: %u vmas, %llu present pages (%llu pinned, %llu held shared) in %llu us\n",
		p->nr, m->nr_vmas, m->nr_pages, m->nr_pinned, m->nr_held,
		div_u64(m->elapsed_ns, NSEC_PER_USEC));
	return 0;
}

int pf_pfnmap(struct pfncheck_pfnmap *arg)
{
	struct pf_proc *p;
	struct pf_map *m;
	int ret = 0;

	if (arg->pid <= 0 || arg->flags)
		return -EINVAL;
	if (mutex_lock_interruptible(&pf_lock))
		return -ERESTARTSYS;
	p = pf_find_frozen(arg->pid);
	if (!p) {
		ret = -ENOENT;
		goto out;
	}
	if (!p->map) {
		ret = pf_map_build(p);
		if (ret)
			goto out;
	}
	m = p->map;
	arg->nr_vmas = m->nr_vmas;
	arg->nr_pages = m->nr_pages;
	arg->nr_pinned = m->nr_pinned;
	arg->nr_held = m->nr_held;
	arg->elapsed_ns = m->elapsed_ns;
	if (arg->vmas_cap < m->nr_vmas || arg->pages_cap < m->nr_pages) {
		ret = -ENOSPC;
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(arg->vmas), m->vmas,
			 array_size(m->nr_vmas, sizeof(*m->vmas))) ||
	    copy_to_user(u64_to_user_ptr(arg->pages), m->pages,
			 array_size(m->nr_pages, sizeof(*m->pages))))
		ret = -EFAULT;
out:
	mutex_unlock(&pf_lock);
	return ret;
}
