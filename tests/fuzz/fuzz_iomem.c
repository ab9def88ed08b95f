/* Fuzzes the /proc/iomem parser and the shelter check on its result: no
 * crash, and accepted entries nest as the parser promises. */
#include "fuzz_input.h"
#include "boot/iomem.h"
#include "shelter/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct qr_range shelter = { 0x30000000, 64 << 20 };
	struct qr_iomem io;
	struct qr_err e;

	if (qr_iomem_parse(s, &io, &e) == 0) {
		for (size_t i = 0; i < io.n; i++) {
			if (io.entry[i].start > io.entry[i].end)
				abort();
			if (io.entry[i].depth > (i ? io.entry[i - 1].depth + 1 : 0))
				abort();
		}
		qr_shelter_check_iomem(&io, &shelter, &e);
		qr_iomem_free(&io);
	}
	free(s);
	return 0;
}
