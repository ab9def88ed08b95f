// SPDX-License-Identifier: GPL-2.0
/* HAVE_PTE_MKWRITE_NOVMA: pte_mkwrite() takes the VMA, pte_mkwrite_novma() does not */
#include <linux/mm.h>

static __maybe_unused pte_t probe(pte_t pte)
{
	return pte_mkwrite_novma(pte);
}
