/* Fuzzes JSON string quoting: whatever the bytes, the output is one JSON
 * string: quoted, no raw control byte or DEL, every backslash starts a
 * valid escape, and the rest is valid UTF-8 (checked by re-quoting: valid
 * UTF-8 without specials passes through unchanged). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "lib/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_strbuf b = { 0 }, again = { 0 }, plain = { 0 };
	const char *s;
	size_t n;

	qr_json_quote(&b, (const char *)data, size);
	s = qr_strbuf_str(&b);
	n = b.len;
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		abort();
	for (size_t i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"')
			abort();
		if (c == '\\') {
			char k = s[++i];

			if (k == 'u') {
				for (int d = 1; d <= 4; d++)
					if (!strchr("0123456789abcdef", s[i + d]) || !s[i + d])
						abort();
				i += 4;
			} else if (!strchr("\"\\nrtbf", k) || !k) {
				abort();
			}
			continue;
		}
		qr_strbuf_add(&plain, &s[i], 1);
	}
	/* What is left unescaped must be valid UTF-8: quoting it again
	 * changes nothing. */
	qr_json_quote(&again, qr_strbuf_str(&plain), plain.len);
	if (again.len != plain.len + 2 || (plain.len && memcmp(again.s + 1, plain.s, plain.len)))
		abort();
	qr_strbuf_free(&b);
	qr_strbuf_free(&again);
	qr_strbuf_free(&plain);
	return 0;
}
