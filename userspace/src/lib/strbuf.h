/* A growable string buffer for building output before it is written.
 * Pure: no I/O. Out of memory is sticky: every later append is a no-op and
 * qr_strbuf_failed() says so, so that callers check once at the end. */
#ifndef QR_STRBUF_H
#define QR_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct qr_strbuf {
	char *s;	/* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
	bool oom;
};

/* len bytes of s: text, or any bytes (a record's data). */
void qr_strbuf_add(struct qr_strbuf *b, const void *s, size_t len);
void qr_strbuf_puts(struct qr_strbuf *b, const char *s);
void qr_strbuf_printf(struct qr_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool qr_strbuf_failed(const struct qr_strbuf *b);
/* The text ("" when nothing was added). */
const char *qr_strbuf_str(const struct qr_strbuf *b);
void qr_strbuf_free(struct qr_strbuf *b);

#endif
