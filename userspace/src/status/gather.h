/* Reads the system into a struct qr_status (status.h). */
#ifndef QR_STATUS_GATHER_H
#define QR_STATUS_GATHER_H

#include "status/status.h"

/* root: a directory to read every path below ("" for /): /proc/cmdline,
 * /proc/iomem, /proc/sys/kernel/osrelease, /sys/module/shelter, /boot,
 * /lib/modules, /etc. Never fails: what cannot be read is reported as
 * absent or unknown. Free with qr_status_free(). */
void qr_status_gather(struct qr_status *st, const char *root);

#endif
