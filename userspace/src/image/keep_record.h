/* The keep record: what a quick reboot kept, for the New kernel. Written by
 * `quickreboot reboot` next to the image (DIR/keep) and read by `quickreboot
 * restore --boot`. Pure: no I/O.
 *
 * Format (text, one item a line, '\n' ends every line):
 *     quickreboot-keep 1
 *     token HEX16                  also on the New kernel's command line; line 2
 *     unit NAME.service PID...     the unit's processes, its main PID first
 * The token ties the record to the one kexec whose command line carries it
 * (quickreboot.restore=HEX16), so that a record left in the shelter is never
 * restored by a later, unrelated boot. Refused, naming the line: a missing
 * or wrong header, a missing or malformed token, an invalid unit name, a
 * PID that is not decimal in 2..QR_PID_MAX, a unit without PID, a unit or
 * PID listed twice, more than QR_KEEP_MAX_UNITS units or QR_KEEP_MAX_PIDS
 * PIDs in all, a control character, anything else. */
#ifndef QR_KEEP_RECORD_H
#define QR_KEEP_RECORD_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"
#include "lib/strbuf.h"

#define QR_KEEP_FILE "keep"
#define QR_KEEP_TOKEN_LEN 16
#define QR_KEEP_MAX_UNITS 256
#define QR_KEEP_MAX_PIDS 4096
/* The kernel parameter that carries the token. */
#define QR_KEEP_CMDLINE_PARAM "quickreboot.restore"

struct qr_keep_unit {
	char *name;
	pid_t *pid;	/* pid[0] is the main PID */
	size_t npids;
};

struct qr_keep {
	char token[QR_KEEP_TOKEN_LEN + 1];
	struct qr_keep_unit *unit;
	size_t nunits;
};

/* text is len bytes. Returns 0, or -1 with e set; free with qr_keep_free(). */
int qr_keep_parse(const char *text, size_t len, struct qr_keep *out,
		  struct qr_err *e);
/* Appends the record's text to b. */
void qr_keep_format(const struct qr_keep *k, struct qr_strbuf *b);
/* Adds a unit with its PIDs (copied). Returns 0, or -1 with e set when the
 * name is invalid, a PID bad or already listed, or a limit reached. */
int qr_keep_add_unit(struct qr_keep *k, const char *name, const pid_t *pid,
		     size_t npids, struct qr_err *e);
/* Is s a token: QR_KEEP_TOKEN_LEN lowercase hex digits? */
int qr_keep_token_valid(const char *s);
void qr_keep_free(struct qr_keep *k);

#endif
