/* Fuzzes the New kernel command line builder. Input: the current line, a
 * NUL byte, the appended parameters. No crash; an accepted result fits the
 * kernel's limit, and building from it with nothing appended is accepted
 * and idempotent (the first rebuild may only drop appended parameters that
 * are not inherited, such as initrd=). */
#include "fuzz_input.h"
#include "boot/newcmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *line, *again, *again2;
	size_t cur_len = strlen(s);
	const char *append = cur_len < size ? s + cur_len + 1 : NULL;
	struct qr_err e;

	line = qr_new_cmdline(s, append, &e);
	if (line) {
		if (strlen(line) >= QR_CMDLINE_MAX)
			abort();
		again = qr_new_cmdline(line, NULL, &e);
		if (!again)
			abort();
		again2 = qr_new_cmdline(again, NULL, &e);
		if (!again2 || strcmp(again, again2))
			abort();
		free(again2);
		free(again);
		free(line);
	}
	free(s);
	return 0;
}
