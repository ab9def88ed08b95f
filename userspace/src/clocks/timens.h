/* Time namespaces (man 7 time_namespaces): the text of
 * /proc/PID/timens_offsets, and the offsets under which a kept process's
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME go on from their values at the
 * checkpoint. Pure: no I/O. */
#ifndef QR_TIMENS_H
#define QR_TIMENS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "image/format.h"

/* A namespace's clocks minus the host's (the root namespace's). */
struct qr_timens_off {
	int64_t monotonic_ns;
	int64_t boottime_ns;
};

/* The offsets file: one line per clock, "NAME SEC NSEC" (NAME monotonic,
 * boottime or their clock ids 1 and 7), both clocks once each. */
int qr_timens_parse(const char *text, struct qr_timens_off *o,
		    struct qr_err *e);

/* The offsets that make a namespace's clocks k's values plus the
 * CLOCK_REALTIME elapsed since k (none if the realtime clock went back),
 * given the host's clocks now; kept below QRI_MAX_CLOCK_NS. */
void qr_timens_continue(const struct qri_clocks *k, uint64_t mono_now,
			uint64_t boot_now, uint64_t real_now,
			struct qr_timens_off *o);

/* o as the offsets file takes it, in one write. Returns the length, or -1
 * if len is too small. */
int qr_timens_format(const struct qr_timens_off *o, char *buf, size_t len);

#endif
