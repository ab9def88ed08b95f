/* The journal stream (journal.c): a UNIX stream socket connected to
 * journald's stdout socket, as systemd gives a unit with
 * StandardOutput=journal (sd_journal_stream_fd(3)). Its client opens the
 * stream with a header of seven lines (identifier, unit, priority, level
 * prefix, forward to syslog, kmsg, console); journald keeps what it read
 * in /run/systemd/journal/streams/DEV:INO, named by its own side of the
 * socket. Pure: the state file's parser and the image data's codec. */
#ifndef QR_FDS_JOURNAL_H
#define QR_FDS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* journald reads header lines up to a unit name's length. */
#define QR_JOURNAL_FIELD_MAX 255
#define QR_JOURNAL_PATH_MAX 108		/* sizeof(sun_path) */
#define QR_JOURNAL_PRIORITY_MAX 999	/* priority and facility */

/* What the header says, as journald's state file holds it. */
struct qr_journal_state {
	int32_t priority;
	bool level_prefix, forward_to_syslog, forward_to_kmsg,
		forward_to_console;
	uint32_t identifier_len, unit_len;
	char identifier[QR_JOURNAL_FIELD_MAX + 1];
	char unit[QR_JOURNAL_FIELD_MAX + 1];
};

/* Parses a state file (untrusted: len bytes, no 0 in them): comment
 * lines, then KEY=VALUE lines each ending in a newline; PRIORITY and the
 * four booleans once each and required, IDENTIFIER and UNIT at most once
 * (C-escaped by journald), other keys (STREAM_ID) skipped. 0, or -1 with
 * e naming the offending line. */
int qr_journal_state_parse(const char *text, size_t len,
			   struct qr_journal_state *s, struct qr_err *e);

/* The header journald reads first on a new stream, into buf (size at
 * least QR_JOURNAL_HEADER_MAX): its length. */
#define QR_JOURNAL_HEADER_MAX (2 * QR_JOURNAL_FIELD_MAX + 32)
size_t qr_journal_header(const struct qr_journal_state *s, char *buf);

/* Whether path is journald's stdout socket: /run/systemd/journal/stdout,
 * or a log namespace's /run/systemd/journal.NAMESPACE/stdout. */
bool qr_journal_socket_path(const char *path, size_t len);

/* The kind's image data: this, then the socket's path, the identifier
 * and the unit (their lengths, no 0 in them). Little-endian. */
struct qr_journal_rec {
	int32_t priority;
	uint8_t level_prefix, forward_to_syslog, forward_to_kmsg,
		forward_to_console;
	uint32_t owner;		/* the process that connects it again */
	int32_t sndbuf;		/* as SO_SNDBUF reads it */
	uint8_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
	uint8_t pad;
	uint16_t path_len, identifier_len, unit_len;
	uint16_t pad2;
};

/* Image data checked (untrusted): 0 and s, path (a copy with its 0 in
 * path, QR_JOURNAL_PATH_MAX + 1) and r filled, or -1 with *why. */
int qr_journal_img_parse(const uint8_t *data, size_t len,
			 struct qr_journal_rec *r, char *path,
			 struct qr_journal_state *s, const char **why);

#endif
