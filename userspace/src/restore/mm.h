/* The kernel's per-process memory fields (the image's QRI_MM record, as
 * the reader checked it) made into the restorer's PR_SET_MM_MAP request. */
#ifndef QR_RESTORE_MM_H
#define QR_RESTORE_MM_H

#include "image/image.h"
#include "restorer/restorer.h"

/* Fills a->mm when the image has the record; opens the executable for
 * PR_SET_MM_MAP's exe_fd (kept in a->close_fds[1], which the blob closes).
 * A missing executable only leaves /proc/PID/exe unset. */
void qr_restore_plan_mm(struct qr_rst_args *a, const struct qri_proc_img *pr);

#endif
