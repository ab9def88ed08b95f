/* Fuzzes the keep record parser (keep_record.c): no crash, and an accepted
 * record is written back as the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "image/keep_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_strbuf b = { 0 };
	struct qr_keep k;
	struct qr_err e;

	if (qr_keep_parse((const char *)data, size, &k, &e)) {
		if (!memchr(e.msg, '\0', sizeof(e.msg)))
			abort();
		return 0;
	}
	if (!qr_keep_token_valid(k.token))
		abort();
	qr_keep_format(&k, &b);
	if (qr_strbuf_failed(&b) || b.len != size || memcmp(b.s, data, size))
		abort();
	qr_strbuf_free(&b);
	qr_keep_free(&k);
	return 0;
}
