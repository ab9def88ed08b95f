/* Every thread of a process, planned for the restorer: its slot in the
 * restorer's region (where its signal frame is built, then its stack),
 * its frame with the kernel's restart rules applied, and what it sets for
 * itself (TLS, clear_child_tid, robust list, rseq). */
#ifndef QR_RESTORE_THREADS_H
#define QR_RESTORE_THREADS_H

#include <stdint.h>

#include "image/image.h"
#include "restorer/restorer.h"

/* A slot: the frame being built, then the thread's stack. */
#define QR_RST_SLOT (QR_RST_FRAME_MAX + QR_RST_STACK)

/* slots: the region's memory for pr->nthreads slots, mapped at the same
 * address in the process as here. Returns -1 after printing why. */
int qr_restore_plan_threads(struct qr_rst_args *a, uint8_t *slots,
			    const struct qri_proc_img *pr);

#endif
