/* libFuzzer gives bytes; the parsers take C strings. */
#ifndef QR_FUZZ_INPUT_H
#define QR_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A malloc'd NUL-terminated copy (an embedded NUL ends the string early,
 * as it would for any C caller). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
