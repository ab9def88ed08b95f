/* See checkpoint/evacuate.h. */
#include "checkpoint/evacuate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "quickreboot/pfncheck_abi.h"
#include "lib/exit.h"

#define PAGE 4096ull

int qr_zc_evacuate(int fd, const struct qr_memview *m, bool keep_first_block)
{
	struct pfncheck_range r[PFNCHECK_MAX_RANGES];
	struct pfncheck_evacuate a = { .ranges = (uintptr_t)r };
	struct qr_spans place;
	uint64_t left;
	if (qr_zc_copy_ranges(m, &place)) {
		qr_error("checkpoint: out of memory");
		return -1;
	}
	for (size_t i = 0; i < place.n && a.nr_ranges < PFNCHECK_MAX_RANGES; i++) {
		uint64_t s = (place.s[i].start + PAGE - 1) / PAGE;
		uint64_t t = place.s[i].end / PAGE;

		if (s < t)
			r[a.nr_ranges++] = (struct pfncheck_range){ s, t };
	}
	qr_spans_free(&place);
	if (!a.nr_ranges)
		return 0;
	if (ioctl(fd, PFNCHECK_IOC_EVACUATE, &a)) {
		qr_error("checkpoint: moving pages out of the first memory block: %s (they are copied)",
			 strerror(errno));
		return -1;
	}
	left = a.nr_left < a.nr_found ? a.nr_left : a.nr_found;
	printf("zero copy: %llu of %llu pages moved out of the memory the New kernel runs in, in %llu ms",
	       (unsigned long long)(a.nr_found - left),
	       (unsigned long long)a.nr_found,
	       (unsigned long long)(a.elapsed_ns / 1000000));
	if (left)
		printf(" (%llu left, in %u pageblocks with pages that cannot move: %s)",
		       (unsigned long long)left, a.nr_busy,
		       keep_first_block ? "kept there" : "copied");
	printf("\n");
	return 0;
}
