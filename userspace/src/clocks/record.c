/* The image reader's clocks record (image/format.h, QRI_CLOCKS): once,
 * before any process, with values a time namespace can take. */
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

int qri_read_clocks(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left)
{
	struct qri_clocks k;

	(void)tail;
	memcpy(&k, fixed, sizeof(k));
	if (c->img->clocks)
		return BAD(c, QRI_CLOCKS, "%s", "the image has a second one");
	if (c->img->nprocs || c->img->nzombies)
		return BAD(c, QRI_CLOCKS, "%s", "it comes after a process");
	if (left)
		return BAD(c, QRI_CLOCKS, "%zu bytes follow its fixed part", left);
	if (k.monotonic_ns >= QRI_MAX_CLOCK_NS || k.boottime_ns >= QRI_MAX_CLOCK_NS ||
	    !k.realtime_ns || k.realtime_ns >= QRI_MAX_CLOCK_NS)
		return BAD(c, QRI_CLOCKS, "monotonic %" PRIu64 ", boottime %" PRIu64 " or realtime %" PRIu64 " ns is out of range",
			   k.monotonic_ns, k.boottime_ns, k.realtime_ns);
	c->img->clocks = malloc(sizeof(k));
	if (!c->img->clocks)
		return qr_err_set(c->e, "out of memory");
	*c->img->clocks = k;
	return 0;
}
