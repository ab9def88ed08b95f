/* What the pfncheck module reads of an open file that no user ABI shows
 * (PFNCHECK_IOC_FDSTATE): an inotify group's next wd, the messages
 * queued on a socket; and a socket's buffer locks (SOCKLOCKS). */
#ifndef QR_FDS_FDSTATE_H
#define QR_FDS_FDSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "quickreboot/pfncheck_abi.h"

/* PFNCHECK_FD_* what of fd (this process's): 0 with *value, or -1 with
 * errno set (/dev/pfncheck not opened: said, once). */
int qr_fdstate(int fd, uint32_t what, uint64_t *value);

/* The PFNCHECK_SOCKLOCK_* of socket fd (this process's) into *locks;
 * set: made *locks first. 0, or -1 with errno (as qr_fdstate). */
int qr_socklocks(int fd, bool set, uint32_t *locks);

#endif
