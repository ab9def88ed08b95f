/* The lines restore prints about what it did: the hand-back, and the
 * summary of the whole restore with its time by phase. A line names the
 * mode (zero copy, copy mode) only where there were frames to hold aside,
 * adopt or copy, and leaves out a phase that did not happen. Pure: no
 * I/O. */
#ifndef QR_RESTORE_SAID_H
#define QR_RESTORE_SAID_H

#include <stddef.h>
#include <stdint.h>

#include "lib/spans.h"

/* Large enough for either line. */
#define QR_SAID_MAX 256

struct qr_handback_said {
	uint64_t added, ns;		/* handed back: bytes, time */
	uint64_t nframes;		/* the image's frames held aside */
	uint32_t mode;			/* QR_MODE_* that adoption will use */
	const struct qr_span *next;	/* the next boot area kept, or NULL */
};

struct qr_restore_said {
	uint64_t handback_ns;		/* UINT64_MAX: no hand-back was done */
	uint64_t processes_ns;
	uint32_t adopt_mode;		/* QR_MODE_* of frames adopted; 0: none */
	uint64_t adopt_ns, fill_ns;	/* adopting frames, reading pages */
	int64_t huge;			/* THPs kept huge in zero copy; -1: unknown */
};

/* "hand-back: ...; next boot area ...", without a newline. */
void qr_said_handback(char *buf, size_t size, const struct qr_handback_said *h);

/* "restore: hand-back ... ms, processes ... ms (...)", without a newline. */
void qr_said_restore(char *buf, size_t size, const struct qr_restore_said *r);

#endif
