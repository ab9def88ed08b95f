/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel functions zero copy needs and the kernel does not export,
 * listed once. Each entry RS_KSYM(name, sym) is a static call NAME typed
 * from the target kernel's own declaration of SYM and pointed at SYM at
 * load, so that every call is checked at build time and becomes a direct
 * call (ksyms.c). SYM may be a QR_SYM_* of the compat layer (qr_compat.h):
 * the function this kernel has, whose name is looked up.
 *
 * No include guard: included with RS_KSYM defined, by restore.h for the
 * declarations and by ksyms.c for the definitions and for the resolution,
 * in this order (the first one missing is named). Every SYM must be
 * declared before (restore.h).
 */

/* An anonymous page (zero_copy.c, adopt.c). */
RS_KSYM(rs_anon_vma_prepare, __anon_vma_prepare);
RS_KSYM(rs_memcg_charge, __mem_cgroup_charge);
RS_KSYM(rs_new_anon_rmap, QR_SYM_NEW_ANON_RMAP);
RS_KSYM(rs_add_lru_vma, folio_add_lru_vma);
/* And a THP (thp.c). */
RS_KSYM(rs_prep_compound, prep_compound_page);
RS_KSYM(rs_prep_thp, QR_SYM_PREP_THP);
RS_KSYM(rs_p4d_alloc, __p4d_alloc);
RS_KSYM(rs_pud_alloc, __pud_alloc);
RS_KSYM(rs_pmd_alloc, __pmd_alloc);
RS_KSYM(rs_pte_alloc_one, pte_alloc_one);
RS_KSYM(rs_deposit, pgtable_trans_huge_deposit);
/* Frames in holes of boot memory (holes.c). */
RS_KSYM(rs_init_memory_mapping, init_memory_mapping);
