/* /proc/iomem parser: "start-end : name" lines, nested by two spaces of
 * indentation per level (kernel/resource.c: r_show()). Pure: no I/O. */
#ifndef QR_IOMEM_H
#define QR_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct qr_iomem_entry {
	uint64_t start;
	uint64_t end;		/* inclusive, as printed */
	unsigned depth;		/* 0 for top-level resources */
	const char *name;
};

struct qr_iomem {
	struct qr_iomem_entry *entry;
	size_t n;
	char *buf;
};

/* Refuses malformed lines, start > end, a child deeper than one level
 * below its parent or outside its parent's range, naming the line.
 * Returns 0, or -1 with e set; on success free with qr_iomem_free(). */
int qr_iomem_parse(const char *text, struct qr_iomem *out, struct qr_err *e);
void qr_iomem_free(struct qr_iomem *io);

/* False when every address is zero: what a reader without CAP_SYS_ADMIN
 * is shown. */
bool qr_iomem_has_addresses(const struct qr_iomem *io);

#endif
