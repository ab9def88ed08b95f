/* The value of memmap= (x86, arch/x86/kernel/e820.c: parse_memmap_opt()).
 * Pure: no I/O. */
#ifndef QR_MEMMAP_H
#define QR_MEMMAP_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/size.h"

enum qr_memmap_kind {
	QR_MEMMAP_EXACTMAP,	/* "exactmap": drop the firmware map */
	QR_MEMMAP_LIMIT,	/* "SIZE": no RAM above SIZE (range.start 0) */
	QR_MEMMAP_RAM,		/* SIZE@ADDR */
	QR_MEMMAP_ACPI,		/* SIZE#ADDR */
	QR_MEMMAP_RESERVED,	/* SIZE$ADDR: how the shelter is reserved */
	QR_MEMMAP_PERSISTENT,	/* SIZE!ADDR: persistent memory (pmem) */
};

struct qr_memmap_entry {
	enum qr_memmap_kind kind;
	struct qr_range range;	/* unused for EXACTMAP */
};

struct qr_memmap {
	struct qr_memmap_entry *entry;
	size_t n;
};

/* value: what follows "memmap=", a comma separated list. The kernel skips
 * entries it cannot read; a skipped reservation would let the kernel use
 * the shelter as RAM, so any bad entry is refused here, by name.
 * The SIZE%ADDR-OLD+NEW form is refused too (not used by quickreboot).
 * Returns 0, or -1 with e set; on success free with qr_memmap_free(). */
int qr_memmap_parse(const char *value, struct qr_memmap *out, struct qr_err *e);
void qr_memmap_free(struct qr_memmap *mm);

#endif
