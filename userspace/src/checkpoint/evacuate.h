/* Zero copy at checkpoint: before the PFN maps pin the frozen processes'
 * pages, pfncheck moves their anonymous pages out of the RAM where they
 * would be copied for their place (the first memory block, blocks the
 * shelter shares: qr_zc_copy_ranges()), so that they are kept instead.
 * What cannot move (a 2 MiB pageblock holding kernel pages too) stays, to
 * be copied, or kept there (first_block.h). */
#ifndef QR_ZC_EVACUATE_H
#define QR_ZC_EVACUATE_H

#include <stdbool.h>

#include "boot/bootarea.h"

/* Every process to keep must be frozen and none of them mapped yet.
 * Prints what moved, and what becomes of the pages left (kept there with
 * keep_first_block, first_block.h, else copied). Returns 0, or -1 after
 * printing why (nothing is lost: the pages stay where they are). */
int qr_zc_evacuate(int pfncheck_fd, const struct qr_memview *m,
		   bool keep_first_block);

#endif
