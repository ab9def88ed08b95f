/* Where the shelter is and whether it is safe to use: decisions only, on
 * already parsed input. Pure: no I/O. */
#ifndef QR_SHELTER_CHECKS_H
#define QR_SHELTER_CHECKS_H

#include "boot/cmdline_tok.h"
#include "lib/err.h"
#include "boot/iomem.h"
#include "lib/size.h"

/* The parameter that names the shelter on the kernel command line. It has
 * a dot, so the kernel ignores it instead of passing it on to init. */
#define QR_SHELTER_PARAM "quickreboot.shelter"

/* The shelter's block device works in pages. */
#define QR_SHELTER_ALIGN 4096u

/* Reads quickreboot.shelter=SIZE@ADDR (the last one, as the kernel would).
 * Returns 0 found, 1 absent, -1 malformed (e set). */
int qr_shelter_from_cmdline(const struct qr_cmdline *cl, struct qr_range *r,
			    struct qr_err *e);

/* The range must be page aligned. */
int qr_shelter_check_alignment(const struct qr_range *r, struct qr_err *e);

/* Some memmap=SIZE$ADDR kernel parameter must cover the whole shelter.
 * Every memmap= parameter must also be well-formed. */
int qr_shelter_check_memmap(const struct qr_cmdline *cl,
			    const struct qr_range *r, struct qr_err *e);

/* The shelter must lie inside one "Reserved" resource and overlap no
 * "System RAM" resource at any depth. Refuses an iomem whose addresses are
 * all zero (what a reader without CAP_SYS_ADMIN sees). */
int qr_shelter_check_iomem(const struct qr_iomem *io, const struct qr_range *r,
			   struct qr_err *e);

#endif
