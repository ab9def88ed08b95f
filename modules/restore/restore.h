/* SPDX-License-Identifier: GPL-2.0 */
/* quickreboot restore: what the parts of the module share. */
#ifndef RESTORE_H
#define RESTORE_H

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/rmap.h>
#include <linux/static_call.h>
#include <linux/swap.h>
#include <linux/types.h>
#include <asm/pgalloc.h>

#include "qr_compat.h"
#include "quickreboot/restore_abi.h"

/* Serialises HANDBACK, ADOPT and RELEASE, and every frame state change. */
extern struct mutex rs_lock;

/* Mode, decided once at load (ibt.c); "why" explains copy mode. */
extern u32 rs_mode;
extern const char *rs_copy_reason;
void rs_choose_mode(bool force_copy);

/*
 * The kernel functions zero copy needs and the kernel does not export,
 * resolved at load (ksyms.c) and called as static calls typed from the
 * target kernel's own declarations (the list: ksyms.h).
 *
 * prep_compound_page() is declared in mm/internal.h, which no headers
 * package ships: its prototype is copied here (the same from 6.1 to 6.12).
 */
void prep_compound_page(struct page *page, unsigned int order);
#define RS_KSYM(name, sym)	DECLARE_STATIC_CALL(name, sym)
#include "ksyms.h"
#undef RS_KSYM
/* 0, or -ENOENT with *missing naming the first symbol not found. */
int rs_resolve_mm_ops(const char **missing);

/* The held frames (held.c). */
enum rs_frame_state {
	RS_HELD,	/* held aside since HANDBACK */
	RS_CLAIMED,	/* being placed by an ADOPT */
	RS_ADOPTED,	/* an anonymous page of a process now */
	RS_COPIED,	/* copied into a process's page, then freed */
	RS_RELEASED,	/* given to the page allocator */
};

int rs_frames_set(u64 *pfns, u64 nr);
bool rs_frames_present(void);
bool rs_frames_any_held(unsigned long pfn, unsigned long nr);
u64 rs_frames_in(unsigned long pfn, unsigned long nr);
void rs_frame_set_state(long idx, enum rs_frame_state state);
int rs_frames_claim(const u64 *pfns, u64 nr, long *idx);
void rs_frames_unclaim(const long *idx, u64 nr);
void rs_frames_free(void);
void rs_frames_count_online(void);
struct page *rs_frame_take(unsigned long pfn);
void rs_frame_free(long idx, enum rs_frame_state state);

/* Counters shown in /sys/module/restore/status/. */
struct rs_stats {
	u64 held, adopted, copied, released, added_bytes;
	u64 hole_frames;	/* held in holes of boot memory */
	u64 adopted_huge;	/* THPs among the frames adopted */
	u64 adopt_ns, copy_ns;
	u64 unhanded_bytes;	/* RAM not handed back (unhanded.c) */
};
extern struct rs_stats rs_stats;

/* HANDBACK (handback.c). */
extern bool rs_handed_back;
extern bool rs_added_not_ram;
int rs_handback(struct qr_restore_handback *arg);
void rs_handback_exit(void);
bool rs_pfn_added(unsigned long pfn);
/* RAM per the firmware map, neither System RAM here nor busy. */
bool rs_range_is_hole(u64 start, u64 end);

/*
 * A block that RAM fills only in part made to fit add_memory (blockfit.c):
 * 0, or -EBUSY when it shares its addresses with another resource. With
 * apply false, only says whether it would fit. ram_at: a RAM page of it.
 */
int rs_block_fit(u64 b, u64 e, u64 ram_at, bool apply);

/* RAM the hand-back could not give back, and why (unhanded.c). */
enum rs_unhanded_why {
	RS_UNHANDED_BOOT,	/* in a block this kernel booted in */
	RS_UNHANDED_KEPT,	/* in a block shared with keep[] */
	RS_UNHANDED_BUSY,	/* in a block shared with a busy resource */
	RS_UNHANDED_SHARED,	/* in a block that cannot be made to fit */
	RS_UNHANDED_FAILED,	/* in a block add_memory refused */
	RS_UNHANDED_NR,
};
void rs_unhanded_add(u64 start, u64 end, u64 ram, enum rs_unhanded_why why);
ssize_t rs_unhanded_show(char *buf);

/* Frames in holes of the memory this kernel booted with (holes.c). */
struct page *rs_frame_page(unsigned long pfn);
bool rs_hole_frame_ok(unsigned long pfn);
bool rs_frame_in_hole(unsigned long pfn);
void rs_holes_map(const u64 *pfns, u64 nr);
bool rs_frame_mapped(unsigned long pfn);
void *rs_frame_map(unsigned long pfn);
void rs_frame_unmap(unsigned long pfn, void *addr);

/* ADOPT (adopt.c; zero_copy.c and copy.c place the pages). */
int rs_adopt(struct qr_restore_adopt *arg);
int rs_adopt_zero_copy(struct vm_area_struct *vma, unsigned long addr,
		       const long *idx, const u64 *pfns, u64 nr, u64 *done);
/* Frames per THP: one page table's worth. */
#define RS_THP_NR	PTRS_PER_PTE
bool rs_thp_allowed(struct vm_area_struct *vma);
int rs_place_thp(struct vm_area_struct *vma, unsigned long haddr,
		 struct folio **folios);
int rs_adopt_copy(unsigned long addr, const long *idx, const u64 *pfns,
		  u64 nr, u64 *done);

/* RELEASE (held.c). */
int rs_release(struct qr_restore_release *arg);

#endif
