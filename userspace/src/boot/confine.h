/* The New kernel's command line confined to a boot area (zero copy), or
 * keeping the boot area reserved (copy mode). Pure: no I/O.
 *
 * From a line that qr_new_cmdline() built: the memmap=SIZE$ADDR
 * parameters that hide RAM (every entry reserved, inside firmware RAM, not
 * the shelter) and quickreboot.bootarea= are the current boot's and are
 * dropped; then, in zero copy, one memmap= list first on the line with
 * every RAM range but the first memory block, the boot area and the
 * shelter, plus the pageblocks of the first block that hold kept pages,
 * and the shelter again (its own memmap= stays too); in
 * copy mode memmap=SIZE$ADDR for the boot area alone, so that it stays
 * free for a later quick reboot; in both quickreboot.bootarea=SIZE@ADDR. */
#ifndef QR_CONFINE_H
#define QR_CONFINE_H

#include <stdbool.h>

#include "boot/bootarea.h"

/* first_block: pageblocks of the first memory block to hide too, in
 * zero copy (first_block.h; NULL: none). Returns a malloc'd line, or NULL
 * with e set (too long for the kernel, a pageblock outside the first
 * block). */
char *qr_confine_cmdline(const char *line, const struct qr_memview *m,
			 const struct qr_span *boot, bool zero_copy,
			 const struct qr_spans *first_block, struct qr_err *e);

/* "SIZE$ADDR" (sep '$') or "SIZE@ADDR" as the kernel's memparse reads it:
 * SIZE in M when it is a MiB multiple. out: at least 48 bytes. */
void qr_format_range(char *out, size_t len, uint64_t start, uint64_t end,
		     char sep);

#endif
