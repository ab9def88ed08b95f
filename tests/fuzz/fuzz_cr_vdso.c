/* Fuzzes the vDSO symbol reader on hostile images (the old vDSO comes
 * from the checkpoint): no crash, every symbol inside the image. */
#include "fuzz_input.h"
#include "restore/vdso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_vdso_sym syms[QR_VDSO_MAX_SYMS];
	struct qr_err e;
	int n = qr_vdso_syms(data, size, syms, &e);

	for (int i = 0; i < n; i++)
		if (syms[i].offset >= size || strlen(syms[i].name) >= QR_VDSO_NAME)
			abort();
	return 0;
}
