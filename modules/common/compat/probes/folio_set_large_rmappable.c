// SPDX-License-Identifier: GPL-2.0
/* HAVE_FOLIO_SET_LARGE_RMAPPABLE: a THP is marked by a folio flag (6.8+), not a destructor */
#include <linux/mm.h>

static __maybe_unused void probe(struct folio *folio)
{
	folio_set_large_rmappable(folio);
}
