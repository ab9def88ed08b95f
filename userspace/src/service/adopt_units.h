/* The kept units named on the New kernel's command line
 * (quickreboot.units=a.service,b.service), for quickreboot-generator:
 * their adoption drop-ins exist before systemd first loads its units, so
 * no daemon-reload is needed after restore (adopt.h). `reboot` writes the
 * parameter with the token (quickreboot.restore=) it belongs to; it is
 * never inherited by a later kernel (newcmdline.c). Pure: no I/O. */
#ifndef QR_ADOPT_UNITS_H
#define QR_ADOPT_UNITS_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

#define QR_UNITS_CMDLINE_PARAM "quickreboot.units"
/* Longest value written: a longer list is left off the command line and
 * restore writes the drop-ins itself (a daemon-reload, slower, the same
 * result). */
#define QR_UNITS_PARAM_MAX 512

struct qr_adopt_units {
	char **unit;	/* into buf */
	size_t n;
	char *buf;
};

/* "quickreboot.units=a.service,b.service" into b. Returns 0, or -1 when
 * there is no unit or the value would be longer than QR_UNITS_PARAM_MAX. */
int qr_adopt_units_param(const char *const *unit, size_t n, struct qr_strbuf *b);

/* The parameter's value: service unit names separated by commas, none
 * twice, at most QR_UNITS_PARAM_MAX bytes. Returns 0, or -1 with e set (nothing
 * to free then). */
int qr_adopt_units_parse(const char *value, struct qr_adopt_units *out,
			 struct qr_err *e);
void qr_adopt_units_free(struct qr_adopt_units *u);

#endif
