/* See restore/said.h. */
#include "restore/said.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "quickreboot/restore_abi.h"

#define MS(ns) ((ns) / 1000000)

static const char *mode_name(uint32_t mode)
{
	return mode == QR_MODE_ZERO_COPY ? "zero copy" :
	       mode == QR_MODE_COPY ? "copy mode" : "mode unknown";
}

/* Appends to buf as snprintf would, never past its end. */
static void __attribute__((format(printf, 4, 5)))
add(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, size - *at, fmt, ap);
	va_end(ap);
	*at = n < 0 ? size : *at + (size_t)n;
}

void qr_said_handback(char *buf, size_t size, const struct qr_handback_said *h)
{
	size_t at = 0;

	add(buf, size, &at, "hand-back: %" PRIu64 " MiB in %" PRIu64 " ms",
	    h->added >> 20, MS(h->ns));
	if (h->nframes)
		add(buf, size, &at, " (%" PRIu64 " frames held aside, %s)",
		    h->nframes, mode_name(h->mode));
	if (h->next)
		add(buf, size, &at, "; next boot area %" PRIu64 "M@0x%" PRIx64,
		    (h->next->end - h->next->start) >> 20, h->next->start);
	else
		add(buf, size, &at, "; no next boot area");
}

void qr_said_restore(char *buf, size_t size, const struct qr_restore_said *r)
{
	size_t at = 0;

	add(buf, size, &at, "restore: ");
	if (r->handback_ns != UINT64_MAX)
		add(buf, size, &at, "hand-back %" PRIu64 " ms, ", MS(r->handback_ns));
	add(buf, size, &at, "processes %" PRIu64 " ms (", MS(r->processes_ns));
	if (r->adopt_mode) {
		add(buf, size, &at, "adopt %" PRIu64 " ms, %s", MS(r->adopt_ns),
		    mode_name(r->adopt_mode));
		if (r->adopt_mode == QR_MODE_ZERO_COPY && r->huge >= 0)
			add(buf, size, &at, ", %" PRId64 " huge pages", r->huge);
		add(buf, size, &at, ", ");
	}
	add(buf, size, &at, "read pages %" PRIu64 " ms)", MS(r->fill_ns));
}
