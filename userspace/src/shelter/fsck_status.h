/* Meaning of fsck's exit status bits (fsck(8)). Pure: no I/O. */
#ifndef QR_FSCK_STATUS_H
#define QR_FSCK_STATUS_H

#include <stddef.h>

/* Writes the names of the bits set in status into buf, "; " separated,
 * e.g. "errors left uncorrected". Returns buf. */
const char *qr_fsck_status_text(int status, char *buf, size_t size);

#endif
