/* The New kernel's command line, derived from the current one. Pure: no I/O.
 *
 * Rules:
 *  - parameters that describe this boot only are dropped: BOOT_IMAGE= and
 *    initrd= (the bootloader's names for the old kernel and initrd; kexec
 *    loads the new ones), kexec_jump_back_entry= (a kexec jump return
 *    address), elfcorehdr= (a crash dump kernel's input);
 *  - every memmap= is kept: kexec-tools builds the New kernel's memory map
 *    from /sys/firmware/memmap, which leaves out memmap= changes, so the
 *    shelter's reservation exists in the New kernel only if repeated;
 *  - everything else is kept, quickreboot.shelter= included;
 *  - the appended parameters come last among kernel parameters; one that
 *    names a parameter already present replaces it (so that per-reboot
 *    parameters do not pile up over reboots in a row), except memmap=,
 *    which accumulates: a memmap= already present is not repeated;
 *  - init arguments (after "--") stay after "--", appended ones last.
 * The result is checked: every memmap= well-formed, the shelter (if named)
 * page aligned and reserved by a memmap=SIZE$ADDR, and the line short
 * enough for the kernel. */
#ifndef QR_NEWCMDLINE_H
#define QR_NEWCMDLINE_H

#include <stdbool.h>

#include "lib/err.h"

/* COMMAND_LINE_SIZE on x86, terminating NUL included. */
#define QR_CMDLINE_MAX 2048

/* Whether a parameter of the current command line may be inherited. */
bool qr_param_inherited(const char *name);

/* append may be NULL. Returns a malloc'd line (without newline), or NULL
 * with e set. */
char *qr_new_cmdline(const char *current, const char *append, struct qr_err *e);

#endif
