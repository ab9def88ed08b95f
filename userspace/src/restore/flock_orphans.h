/* A flock is retaken at restore by the process that took it (place), so
 * that /proc/locks names it; the open file description owns the lock, and
 * other kept processes may share it. When that process fails, they must
 * not run on without the lock they hold. */
#ifndef QR_RESTORE_FLOCK_ORPHANS_H
#define QR_RESTORE_FLOCK_ORPHANS_H

#include <stdbool.h>

#include "restore/tree.h"

/* Once every process reported, bad[i] set for those that failed (tree
 * index): their flocks taken by restore on the files' table fds; where
 * that fails, the processes sharing the file are set bad too (printed),
 * and so on. */
void qr_restore_flock_orphans(struct qr_restore_ctx *c, bool *bad);

#endif
