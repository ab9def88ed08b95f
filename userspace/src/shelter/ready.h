/* The shelter mounted at QR_SHELTER_MOUNTPOINT, whatever state it was in. */
#ifndef QR_SHELTER_READY_H
#define QR_SHELTER_READY_H

#include <stdbool.h>

/* Loads the shelter module if its device is missing, and mounts the
 * shelter unless it is mounted. With fresh_ok (the Old kernel, before a
 * checkpoint): a fresh shelter is formatted and gets a filesystem. Without
 * (the New kernel, which must find what the Old one left): it must be
 * valid. Returns a QR_EXIT_* code, the failing step having said why. */
int qr_shelter_ready(bool fresh_ok);

#endif
