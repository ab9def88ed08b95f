/* Fuzzes the memmap= parser: no crash, and accepted ranges are sane. */
#include "fuzz_input.h"
#include "memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
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
	free(s);
	return 0;
}
