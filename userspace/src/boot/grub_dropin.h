/* The GRUB drop-in that reserves the shelter at boot. Pure: no I/O.
 *
 * grub-mkconfig sources /etc/default/grub and then /etc/default/grub.d/
 * *.cfg with /bin/sh, and /etc/grub.d/10_linux copies
 * GRUB_CMDLINE_LINUX_DEFAULT unchanged into each "linux" line of grub.cfg.
 * GRUB's own script parser then expands "$NAME" and "$DIGITS" there, so
 * memmap=256M$0x230000000 would reach the kernel as memmap=256Mx230000000
 * ("$0" expands to nothing), which the kernel reads as memmap=256M: all RAM
 * above 256 MiB removed. grub.cfg must carry memmap=256M\$0x230000000
 * (GRUB: a backslash quotes the next character). The drop-in writes
 * "\\\$" inside double quotes, which the shell turns into "\$". */
#ifndef QR_GRUB_DROPIN_H
#define QR_GRUB_DROPIN_H

#include "lib/err.h"
#include "lib/size.h"
#include "lib/strbuf.h"

#define QR_GRUB_DROPIN "/etc/default/grub.d/quickreboot.cfg"

/* A size as the kernel's memparse() reads it, short: "256M", "1G", or hex
 * bytes. buf must hold 24 bytes. */
const char *qr_format_size(char *buf, uint64_t v);

/* The kernel parameters for the shelter, unescaped (as /proc/cmdline will
 * show them): "memmap=SIZE$ADDR quickreboot.shelter=SIZE@ADDR". */
void qr_shelter_params(struct qr_strbuf *out, const struct qr_range *r);

/* memmap=SIZE$ADDR for the boot area, unescaped. */
void qr_bootarea_params(struct qr_strbuf *out, const struct qr_range *boot);
/* The whole drop-in file: the shelter, and the boot area unless NULL. */
void qr_grub_dropin_text(struct qr_strbuf *out, const struct qr_range *r,
			 const struct qr_range *boot);

/* The shelter named by the last quickreboot.shelter=SIZE@ADDR in a drop-in
 * (ours, or edited by hand). Returns 0 found, 1 none, -1 malformed (e set). */
int qr_grub_dropin_shelter(const char *text, struct qr_range *r,
			   struct qr_err *e);

#endif
