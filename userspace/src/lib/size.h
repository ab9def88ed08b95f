/* Sizes and addresses as the kernel's memparse() reads them, and SIZE@ADDR
 * ranges. Pure: no I/O. */
#ifndef QR_SIZE_H
#define QR_SIZE_H

#include <stdint.h>

#include "lib/err.h"

struct qr_range {
	uint64_t start;
	uint64_t size;		/* > 0 for a parsed range */
};

/* Parses a number (0x hex, 0 octal, else decimal, as memparse) with an
 * optional K/M/G/T/P/E suffix (either case) at the start of s; *end gets the
 * first byte not consumed. token names the whole input in messages.
 * Returns 0, or -1 with e set (no digits, overflow). */
int qr_parse_size_prefix(const char *s, const char **end, uint64_t *out,
			 const char *token, struct qr_err *e);

/* The whole of s must be one size. */
int qr_parse_size(const char *s, uint64_t *out, struct qr_err *e);

/* SIZE<sep>ADDR, e.g. "64M@0x30000000" with sep '@'. The size must be
 * non-zero and the range must end inside the 64-bit address space. */
int qr_parse_range(const char *s, char sep, struct qr_range *out,
		   struct qr_err *e);

/* Last byte of a parsed range (start + size - 1 cannot overflow). */
static inline uint64_t qr_range_last(const struct qr_range *r)
{
	return r->start + (r->size - 1);
}

#endif
