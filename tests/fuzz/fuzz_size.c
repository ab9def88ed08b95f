/* Fuzzes the size and SIZE@ADDR parsers: no crash, and every accepted
 * value reads back the same when printed in hex. */
#include <inttypes.h>
#include <stdio.h>

#include "fuzz_input.h"
#include "lib/size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), again[64];
	struct qr_range r;
	struct qr_err e;
	uint64_t v, w;

	if (qr_parse_size(s, &v, &e) == 0) {
		snprintf(again, sizeof(again), "0x%" PRIx64, v);
		if (qr_parse_size(again, &w, &e) || w != v)
			abort();
	}
	if (qr_parse_range(s, '@', &r, &e) == 0) {
		if (r.size == 0 || r.start > UINT64_MAX - (r.size - 1))
			abort();
	}
	free(s);
	return 0;
}
