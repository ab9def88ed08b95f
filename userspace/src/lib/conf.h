/* /etc/quickreboot.conf: what to keep across a quick reboot. Pure: no I/O.
 *
 * Format (quickreboot.conf(5)): one directive per line,
 *     keep-unit NAME.service     keep the processes of this systemd service
 *     keep-pid PID               keep this process (and its threads)
 * words separated by spaces or tabs; blank lines and lines whose first word
 * starts with '#' are ignored, and so is a '#' word after the value and the
 * rest of its line. A CRLF line end is accepted. Refused, naming the line:
 * an unknown directive, a missing or extra value, an invalid unit name
 * (systemd's rules; a template without instance, e.g. "foo@.service", is
 * not a running unit), a PID that is not decimal in 2..4194304 (PID 1 is
 * init, which cannot be kept), a NUL byte, a line longer than
 * QR_CONF_LINE_MAX, more than QR_CONF_MAX_ENTRIES entries, and an entry
 * listed twice. */
#ifndef QR_CONF_H
#define QR_CONF_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/pid.h"

#define QR_CONF_PATH "/etc/quickreboot.conf"
#define QR_CONF_LINE_MAX 4096
#define QR_CONF_MAX_ENTRIES 4096
/* systemd's UNIT_NAME_MAX, terminating NUL excluded. */
#define QR_UNIT_NAME_MAX 255

enum qr_conf_kind {
	QR_KEEP_UNIT,
	QR_KEEP_PID,
};

struct qr_conf_entry {
	enum qr_conf_kind kind;
	const char *unit;	/* QR_KEEP_UNIT */
	int pid;		/* QR_KEEP_PID */
	unsigned line;
};

struct qr_conf {
	struct qr_conf_entry *entry;
	size_t n;
	char *buf;
};

/* text is len bytes (not necessarily NUL-terminated). Returns 0, or -1
 * with e set; on success free with qr_conf_free(). */
int qr_conf_parse(const char *text, size_t len, struct qr_conf *out,
		  struct qr_err *e);
void qr_conf_free(struct qr_conf *c);

/* systemd's unit name rules for a service that can run: NAME.service or
 * NAME@INSTANCE.service, characters [A-Za-z0-9:_.\\-], at most 255. */
int qr_unit_name_valid(const char *name);

#endif
