/* Gathers struct qr_memview (bootarea.h) from the running system:
 * /sys/firmware/memmap, /proc/iomem, the command line, the memory block
 * size. */
#ifndef QR_MEMVIEW_H
#define QR_MEMVIEW_H

#include "boot/bootarea.h"
#include "boot/cmdline_tok.h"

/* The command line's parts: memmap=SIZE$ADDR ranges, quickreboot.shelter=
 * and quickreboot.bootarea=. Pure. Returns 0, or -1 with e set. */
int qr_memview_cmdline(struct qr_memview *m, const struct qr_cmdline *cl,
		       struct qr_err *e);

/* cmdline: the text to read the command line's parts from (NULL:
 * /proc/cmdline). Returns 0, or -1 after printing what failed. */
int qr_memview_read(struct qr_memview *m, const char *cmdline);
void qr_memview_free(struct qr_memview *m);

#endif
