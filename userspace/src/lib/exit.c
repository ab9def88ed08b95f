/* See exit.h. */
#include "lib/exit.h"

#include <stdarg.h>
#include <stdio.h>

void qr_error(const char *fmt, ...)
{
	va_list ap;

	fputs("quickreboot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
