/* Error messages from the pure parsers: formatted into a buffer, never printed. */
#ifndef QR_ERR_H
#define QR_ERR_H

#include <stddef.h>

#define QR_ERR_MAX 320
/* Longest excerpt of untrusted input quoted in a message. */
#define QR_TOKEN_SHOWN 96

struct qr_err {
	char msg[QR_ERR_MAX];
};

/* Formats the message (if e is not NULL) and returns -1, so callers can
 * write "return qr_err_set(...)". */
int qr_err_set(struct qr_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copies len bytes of s into out (size QR_TOKEN_SHOWN + 8) with control
 * characters escaped and long input cut, so that a hostile token cannot
 * flood or drive the terminal. Returns out. */
const char *qr_err_token(char *out, const char *s, size_t len);

#define QR_TOKEN_BUF (QR_TOKEN_SHOWN + 8)

#endif
