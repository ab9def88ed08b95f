/* Fuzzes the reader of the optional memory-fields record on raw image
 * bytes: no crash, and a record it accepts is ordered and in user space. */
#include "fuzz_input.h"
#include "restore_mm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_mm_img mm;
	struct qr_err e;

	if (size < 4)
		return 0;
	if (qr_mm_find(data, size, data[0], &mm, &e) == 1 &&
	    (mm.m.start_brk > mm.m.brk || mm.m.brk >= QRI_USER_LIMIT ||
	     mm.auxv < data || mm.auxv + mm.m.auxv_len > data + size))
		abort();
	return 0;
}
