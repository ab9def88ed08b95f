/* Finding the shelter and checking it against the running system: the I/O
 * around shelter/checks.h. Each returns a QR_EXIT_* code and reports its
 * errors on stderr. */
#ifndef QR_SHELTER_LOCATE_H
#define QR_SHELTER_LOCATE_H

#include "lib/size.h"

/* From region_arg (SIZE@ADDR) if not NULL, else from quickreboot.shelter=
 * on cmdline_text (or /proc/cmdline when NULL), which must then also be
 * reserved by a memmap=SIZE$ADDR there. The range must be page aligned. */
int qr_locate_shelter(const char *region_arg, const char *cmdline_text,
		      struct qr_range *r);

/* The range against iomem_path (or /proc/iomem when NULL). */
int qr_check_shelter_iomem(const char *iomem_path, const struct qr_range *r);

#endif
