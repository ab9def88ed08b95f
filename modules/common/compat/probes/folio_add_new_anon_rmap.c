// SPDX-License-Identifier: GPL-2.0
/* HAVE_FOLIO_ADD_NEW_ANON_RMAP: folio_add_new_anon_rmap() with rmap flags (RMAP_EXCLUSIVE) */
#include <linux/rmap.h>

static __maybe_unused void probe(struct folio *folio, struct vm_area_struct *vma)
{
	folio_add_new_anon_rmap(folio, vma, 0, RMAP_EXCLUSIVE);
}
