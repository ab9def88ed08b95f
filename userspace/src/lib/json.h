/* A small JSON writer into a qr_strbuf, indented two spaces per level.
 * Pure: no I/O. Strings are escaped for any input bytes: quote, backslash
 * and control characters (and DEL) as escapes, valid UTF-8 kept, every byte
 * of an invalid UTF-8 sequence replaced by U+FFFD, so that the output is
 * always valid JSON and valid UTF-8 whatever a file name or unit name holds. */
#ifndef QR_JSON_H
#define QR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"

#define QR_JSON_MAX_DEPTH 16

struct qr_json {
	struct qr_strbuf *out;
	unsigned depth;
	bool has_items[QR_JSON_MAX_DEPTH];
	bool after_key;
	bool misuse;	/* nesting too deep or unbalanced: a bug in the caller */
};

void qr_json_init(struct qr_json *j, struct qr_strbuf *out);
void qr_json_begin_object(struct qr_json *j);
void qr_json_end_object(struct qr_json *j);
void qr_json_begin_array(struct qr_json *j);
void qr_json_end_array(struct qr_json *j);
void qr_json_key(struct qr_json *j, const char *key);
/* NULL writes null. */
void qr_json_string(struct qr_json *j, const char *s);
void qr_json_u64(struct qr_json *j, uint64_t v);
void qr_json_bool(struct qr_json *j, bool v);
void qr_json_null(struct qr_json *j);
/* Ends the document with a newline; false if the writer was misused or
 * ran out of memory. */
bool qr_json_finish(struct qr_json *j);

/* Appends s (len bytes) to out as a quoted JSON string. */
void qr_json_quote(struct qr_strbuf *out, const char *s, size_t len);

#endif
