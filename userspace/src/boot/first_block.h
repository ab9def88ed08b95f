/* Pages kept in the first memory block. Every kernel runs there, so pages
 * of processes kept in zero copy that the evacuation (checkpoint/evacuate.h) could
 * not move out of it are kept only if the New kernel is told that their
 * 2 MiB pageblocks are not RAM: memmap=2M$ADDR in its hidden list
 * (confine.h). The restore module holds and maps frames in such holes
 * (modules/restore/holes.c). checkpoint --keep-first-block writes the
 * pageblocks to DIR/QR_FIRST_BLOCK_FILE as a memmap= value; cmdline
 * --hide-from DIR and reboot read it back. */
#ifndef QR_FIRST_BLOCK_H
#define QR_FIRST_BLOCK_H

#include "boot/bootarea.h"
#include "lib/err.h"
#include "lib/spans.h"

#define QR_FIRST_BLOCK_FILE "first-block-hidden"

/* The file's text for pageblocks hide (one line, a memmap= value); NULL
 * when memory ran out. Pure. */
char *qr_first_block_format(const struct qr_spans *hide);

/* Parses the file's text into pageblocks: every entry SIZE$ADDR, 2 MiB
 * aligned. Pure. Returns 0, or -1 with e set (naming the entry). */
int qr_first_block_parse(const char *text, struct qr_spans *hide,
			 struct qr_err *e);

/* Each pageblock inside the first memory block of m, past its first
 * pageblock, in firmware RAM. Pure. Returns 0, or -1 with e set. */
int qr_first_block_check(const struct qr_memview *m,
			 const struct qr_spans *hide, struct qr_err *e);

/* DIR/QR_FIRST_BLOCK_FILE read and parsed; no file is no pageblock.
 * Returns 0, or -1 with e set. */
int qr_first_block_read(const char *dir, struct qr_spans *hide,
			struct qr_err *e);

#endif
