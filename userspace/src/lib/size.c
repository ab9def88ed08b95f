/* Size and address parsing, strict where the kernel is lax: the kernel
 * wraps on overflow and ignores trailing bytes; a shelter placed at a
 * misread address would lose its contents, so both are refused here. */
#include "lib/size.h"

#include <string.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	case 'p': case 'P': return 50;
	case 'e': case 'E': return 60;
	default: return 0;
	}
}

int qr_parse_size_prefix(const char *s, const char **end, uint64_t *out,
			 const char *token, struct qr_err *e)
{
	char shown[QR_TOKEN_BUF];
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	int shift;

	qr_err_token(shown, token, strlen(token));
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (digit_value(p[2]) >= 16)
			return qr_err_set(e, "'%s': '0x' without hex digits", shown);
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	if (digit_value(*p) >= (int)base)
		return qr_err_set(e, "'%s': expected a number", shown);
	for (; digit_value(*p) < (int)base; p++) {
		unsigned d = (unsigned)digit_value(*p);

		if (v > (UINT64_MAX - d) / base)
			return qr_err_set(e, "'%s': number does not fit in 64 bits", shown);
		v = v * base + d;
	}
	shift = suffix_shift(*p);
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return qr_err_set(e, "'%s': size does not fit in 64 bits", shown);
		v <<= shift;
		p++;
	}
	*out = v;
	*end = p;
	return 0;
}

int qr_parse_size(const char *s, uint64_t *out, struct qr_err *e)
{
	char shown[QR_TOKEN_BUF], rest[QR_TOKEN_BUF];
	const char *end;
	uint64_t v;

	if (qr_parse_size_prefix(s, &end, &v, s, e))
		return -1;
	if (*end)
		return qr_err_set(e, "'%s': unexpected '%s' after the number",
				  qr_err_token(shown, s, strlen(s)),
				  qr_err_token(rest, end, strlen(end)));
	*out = v;
	return 0;
}

int qr_parse_range(const char *s, char sep, struct qr_range *out,
		   struct qr_err *e)
{
	char shown[QR_TOKEN_BUF];
	const char *p;
	struct qr_range r;

	qr_err_token(shown, s, strlen(s));
	if (qr_parse_size_prefix(s, &p, &r.size, s, e))
		return -1;
	if (*p != sep)
		return qr_err_set(e, "'%s': expected SIZE%cADDR", shown, sep);
	if (qr_parse_size_prefix(p + 1, &p, &r.start, s, e))
		return -1;
	if (*p)
		return qr_err_set(e, "'%s': unexpected bytes after the address",
				  shown);
	if (r.size == 0)
		return qr_err_set(e, "'%s': size is zero", shown);
	if (r.start > UINT64_MAX - (r.size - 1))
		return qr_err_set(e, "'%s': range ends beyond the 64-bit address space",
				  shown);
	*out = r;
	return 0;
}
