/* See test_fail.h. */
#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"
#include "checkpoint/test_fail.h"

int qr_test_fail(const char *step)
{
	const char *v = getenv("QUICKREBOOT_TEST_FAIL");

	if (!v || strcmp(v, step))
		return 0;
	qr_error("checkpoint: failure injected at %s (QUICKREBOOT_TEST_FAIL, a test setting)",
		 step);
	return 1;
}
