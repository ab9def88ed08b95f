/* The files under /run a kept unit names, which the reboot empties:
 * its PIDFile= and its RuntimeDirectory= trees (checkpoint/runfiles.h
 * carries them). */
#ifndef QR_UNIT_RUN_H
#define QR_UNIT_RUN_H

#include <stddef.h>

#include "checkpoint/runfiles.h"
#include "lib/err.h"

#define QR_UNIT_RUN_PROPS "PIDFile,RuntimeDirectory"

/* What `systemctl show -p PIDFile,RuntimeDirectory UNIT` prints, into l:
 * the PID file (absolute), /run/NAME for each RuntimeDirectory= word
 * (and /run/LINK for NAME:LINK). Pure. 0, or -1 with e set (a relative
 * PID file, a name that is absolute or has an empty, "." or ".." part,
 * out of memory). */
int qr_unit_run_parse(const char *unit, const char *text,
		      struct qr_run_list *l, struct qr_err *e);

/* Each unit's, asked of systemd: 0, or a QR_EXIT_* code after saying
 * why. */
int qr_units_run(const char *const *units, size_t n, struct qr_run_list *l);

#endif
