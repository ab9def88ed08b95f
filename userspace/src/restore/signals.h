/* A process's signal and resource state (the image's QRI_SIGNALS and
 * QRI_RLIMITS records, the main thread's pending signals) set again in the
 * child that becomes it, before the restorer blob runs. Sigaltstacks go
 * into each thread's signal frame (uc_stack) with the rest of the thread. */
#ifndef QR_RESTORE_SIGNALS_H
#define QR_RESTORE_SIGNALS_H

#include "image/image.h"
#include "restorer/restorer.h"

/* Blocks every signal, so that nothing is delivered before the process
 * is whole (threads created later inherit the mask; each thread's
 * rt_sigreturn loads its real one), then sets the actions, queues the
 * pending signals, sets the resource limits and the interval timers. What
 * the image lacks stays as it is. Returns -1 after printing why. */
int qr_restore_signals(const struct qri_proc_img *pr);

/* The other threads' own pending signals, for the restorer: each thread
 * queues its own once it exists (a->threads planned already). Returns -1
 * after printing why (more than QR_RST_MAX_SIGQ). */
int qr_restore_plan_thread_signals(struct qr_rst_args *a,
				   const struct qri_proc_img *pr);

#endif
