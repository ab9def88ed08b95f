/* Zero copy at checkpoint: before the PFN maps pin the frozen processes'
 * pages, pfncheck moves their anonymous pages out of the RAM where they
 * would be copied for their place (the first memory block, blocks the
 * shelter shares: qr_zc_copy_ranges()), so that they are kept instead.
 * What cannot move (a 2 MiB pageblock holding kernel pages too) stays and
 * is copied as before. */
#ifndef QR_ZC_EVACUATE_H
#define QR_ZC_EVACUATE_H

#include "bootarea.h"

/* Every process to keep must be frozen and none of them mapped yet.
 * Prints what moved. Returns 0, or -1 after printing why (nothing is
 * lost: the pages stay where they are, to be copied). */
int qr_zc_evacuate(int pfncheck_fd, const struct qr_memview *m);

#endif
