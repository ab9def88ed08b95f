/* Fuzzes the quickreboot.conf parser: no crash, and every accepted entry
 * is a valid unit name or PID, listed once. */
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_conf c;
	struct qr_err e;

	/* Exact bytes, NULs included: the parser takes a length. */
	if (qr_conf_parse((const char *)data, size, &c, &e) == 0) {
		for (size_t i = 0; i < c.n; i++) {
			const struct qr_conf_entry *en = &c.entry[i];

			if (en->kind == QR_KEEP_UNIT && !qr_unit_name_valid(en->unit))
				abort();
			if (en->kind == QR_KEEP_PID && (en->pid < 2 || en->pid > QR_PID_MAX))
				abort();
			for (size_t j = 0; j < i; j++)
				if (c.entry[j].kind == en->kind &&
				    (en->kind == QR_KEEP_UNIT ? !strcmp(c.entry[j].unit, en->unit)
							      : c.entry[j].pid == en->pid))
					abort();
		}
		qr_conf_free(&c);
	} else if (!memchr(e.msg, '\0', sizeof(e.msg))) {
		abort();
	}
	return 0;
}
