/* Growable string buffer. */
#include "lib/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct qr_strbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *s;

	if (b->oom)
		return false;
	if (more > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void qr_strbuf_add(struct qr_strbuf *b, const void *s, size_t len)
{
	if (!reserve(b, len))
		return;
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void qr_strbuf_puts(struct qr_strbuf *b, const char *s)
{
	qr_strbuf_add(b, s, strlen(s));
}

void qr_strbuf_printf(struct qr_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

bool qr_strbuf_failed(const struct qr_strbuf *b)
{
	return b->oom;
}

const char *qr_strbuf_str(const struct qr_strbuf *b)
{
	return b->s && !b->oom ? b->s : "";
}

void qr_strbuf_free(struct qr_strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
