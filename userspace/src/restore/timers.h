/* A process's POSIX timers (the image's QRI_TIMERS) made again in the
 * child that becomes it, each with its id, clock and notification, armed
 * for the time it had left less the time the reboot took. */
#ifndef QR_RESTORE_TIMERS_H
#define QR_RESTORE_TIMERS_H

#include "image/image.h"

/* The time left now for timer t captured elapsed_ns ago: a one-shot
 * timer due meanwhile fires at once (1 ns), a periodic one at its next
 * period (its missed expirations are not counted as overruns). */
uint64_t qr_timer_left(const struct qri_posix_timer *t, uint64_t elapsed_ns);

/* -1 after printing why (an id the kernel did not give). */
int qr_restore_timers(const struct qri_proc_img *pr);

#endif
