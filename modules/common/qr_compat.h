/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences are handled. Which side of
 * each difference applies is decided at build time by compat/configure,
 * which compiles the probes in compat/probes/ against the target headers;
 * module code calls the qr_* wrappers and never tests kernel versions.
 */
#ifndef QR_COMPAT_H
#define QR_COMPAT_H

#include "generated/compat.h"

#include <linux/blk-mq.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/rmap.h>
#include <linux/sched.h>
#include <linux/swap.h>

/*
 * A blk-mq disk backed by memory: non-rotational, with the given physical
 * block size (also the minimum I/O size).
 */
static inline struct gendisk *qr_blk_mq_alloc_mem_disk(struct blk_mq_tag_set *set,
							void *queuedata,
							unsigned int pbs)
{
	struct gendisk *disk;
#ifdef HAVE_BLK_MQ_ALLOC_DISK_LIMITS
	struct queue_limits lim = {
		.physical_block_size	= pbs,
		.io_min			= pbs,
	};

	disk = blk_mq_alloc_disk(set, &lim, queuedata);
#else
	disk = blk_mq_alloc_disk(set, queuedata);
	if (!IS_ERR(disk)) {
		blk_queue_physical_block_size(disk->queue, pbs);
		blk_queue_io_min(disk->queue, pbs);
	}
#endif
#ifndef HAVE_QUEUE_LIMITS_FEATURES
	/* Without queue features, a queue is rotational unless told. */
	if (!IS_ERR(disk))
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
#endif
	return disk;
}

/*
 * A block_device_operations.open that admits only openers with
 * CAP_SYS_ADMIN, whatever the mode of the device node.
 */
#ifdef HAVE_BDOPS_OPEN_GENDISK
static inline int qr_bdops_open_admin(struct gendisk *disk, blk_mode_t mode)
#else
static inline int qr_bdops_open_admin(struct block_device *bdev, fmode_t mode)
#endif
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/*
 * pin_user_pages_remote() and get_user_pages_remote() on another process's
 * mm, with its mmap_lock held for reading and never dropped (no "locked").
 * The vmas array went away in 6.5.
 */
static inline long qr_pin_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
#ifdef HAVE_PIN_USER_PAGES_REMOTE_NO_VMAS
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

static inline long qr_get_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages)
{
#ifdef HAVE_GET_USER_PAGES_REMOTE_NO_VMAS
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#else
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

#ifdef CONFIG_RSEQ
/*
 * The size a thread registered its rseq area with: recorded since 6.3,
 * before which every registration was the original 32 bytes.
 */
static inline u32 qr_task_rseq_len(struct task_struct *t)
{
#ifdef HAVE_TASK_RSEQ_LEN
	return t->rseq_len;
#else
	return t->rseq ? 32 : 0;
#endif
}
#endif

/* A process's POSIX timers: a list until 6.11, an hlist since. */
#ifdef HAVE_POSIX_TIMERS_HLIST
#define qr_for_each_posix_timer(t, sig) \
	hlist_for_each_entry(t, &(sig)->posix_timers, list)
#else
#define qr_for_each_posix_timer(t, sig) \
	list_for_each_entry(t, &(sig)->posix_timers, list)
#endif

/*
 * Zero copy (the restore module): the non-exported function that makes a
 * page a new anonymous page of a VMA, by the name each kernel has. The
 * module resolves QR_SYM_NEW_ANON_RMAP at load time and calls it as a static
 * call of its declared type, with the arguments qr_call_new_anon_rmap()
 * gives, so the call is checked at build time.
 */
#ifdef HAVE_FOLIO_ADD_NEW_ANON_RMAP
#define QR_SYM_NEW_ANON_RMAP folio_add_new_anon_rmap
#define qr_call_new_anon_rmap(fn, folio, vma, addr) \
	fn(folio, vma, addr, RMAP_EXCLUSIVE)
#else
#define QR_SYM_NEW_ANON_RMAP page_add_new_anon_rmap
#define qr_call_new_anon_rmap(fn, folio, vma, addr) \
	fn(&(folio)->page, vma, addr)
#endif

/*
 * A writable, dirty PTE for a VMA that is not a shadow stack. Since 6.6
 * pte_mkwrite() takes the VMA and, on x86, is out of line and not exported;
 * pte_mkwrite_novma() is what it does for other VMAs. Made writable before
 * dirty, the PTE never needs x86's SavedDirty bit.
 */
static inline pte_t qr_pte_mkwrite_dirty(pte_t pte)
{
#ifdef HAVE_PTE_MKWRITE_NOVMA
	return pte_mkdirty(pte_mkwrite_novma(pte));
#else
	return pte_mkdirty(pte_mkwrite(pte));
#endif
}

/* The same for a huge PMD (pmd_mkwrite_novma() came with the PTE one). */
static inline pmd_t qr_pmd_mkwrite_dirty(pmd_t pmd)
{
#ifdef HAVE_PTE_MKWRITE_NOVMA
	return pmd_mkdirty(pmd_mkwrite_novma(pmd));
#else
	return pmd_mkdirty(pmd_mkwrite(pmd));
#endif
}

/*
 * A compound page of PMD order becomes a THP. 6.1 gives it the THP
 * destructor and its deferred-split list with prep_transhuge_page(), not
 * exported: QR_SYM_PREP_THP, resolved at load and called as a static call.
 * Since 6.8 prep_compound_page() makes the list and an inline flag says the
 * rest; QR_SYM_PREP_THP then names prep_compound_page, which zero copy
 * resolves anyway, and the static call is not called (only named).
 */
#ifdef HAVE_FOLIO_SET_LARGE_RMAPPABLE
#define QR_SYM_PREP_THP prep_compound_page
#define qr_call_prep_thp(fn, folio) \
	((void)(fn), folio_set_large_rmappable(folio))
#else
#define QR_SYM_PREP_THP prep_transhuge_page
#define qr_call_prep_thp(fn, folio) fn(&(folio)->page)
#endif

/* Shadow stacks came in 6.6; before, no VMA is one. */
#ifndef VM_SHADOW_STACK
#define VM_SHADOW_STACK VM_NONE
#endif

/*
 * add_mm_counter(mm, MM_ANONPAGES, n) without its trace event, whose
 * helper is not exported: RSS counters are atomic before 6.2, per-CPU
 * since.
 */
static inline void qr_add_mm_anon_counter(struct mm_struct *mm, long n)
{
#ifdef HAVE_MM_RSS_STAT_PERCPU
	percpu_counter_add(&mm->rss_stat[MM_ANONPAGES], n);
#else
	atomic_long_add(n, &mm->rss_stat.count[MM_ANONPAGES]);
#endif
}

/*
 * A held frame becomes an allocated page (refcount 1, as the memmap left
 * it). Hot-added memmaps start PageReserved before 6.11 and PageOffline
 * since; a hole of boot memory (holes.c) is PageReserved in every kernel.
 * The page's own state says which, so this holds whatever the kernel did,
 * and the page allocator may take the page afterwards (6.12's onlining
 * path expects it not reserved).
 */
static inline void qr_held_page_take(struct page *page)
{
	if (PageOffline(page))
		__ClearPageOffline(page);
	if (PageReserved(page))
		__ClearPageReserved(page);
}

#endif
