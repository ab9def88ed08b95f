/* Fuzzes the memmap= parser, and the first-block file's parser on top of
 * it: no crash, and accepted ranges are sane. */
#include "boot/first_block.h"
#include "fuzz_input.h"
#include "boot/memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct qr_spans fb;
	struct qr_memmap mm;
	struct qr_err e;

	if (qr_memmap_parse(s, &mm, &e) == 0) {
		for (size_t i = 0; i < mm.n; i++) {
			const struct qr_range *r = &mm.entry[i].range;

			if (mm.entry[i].kind >= QR_MEMMAP_RAM &&
			    (r->size == 0 || r->start > UINT64_MAX - (r->size - 1)))
				abort();
		}
		qr_memmap_free(&mm);
	}
	if (qr_first_block_parse(s, &fb, &e) == 0) {
		for (size_t i = 0; i < fb.n; i++)
			if (fb.s[i].start % QR_PAGEBLOCK || fb.s[i].end % QR_PAGEBLOCK ||
			    fb.s[i].start >= fb.s[i].end)
				abort();
		qr_spans_free(&fb);
	}
	free(s);
	return 0;
}
