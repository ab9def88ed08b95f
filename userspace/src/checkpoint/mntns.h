/* The kept processes' mount namespaces (mntns.c). */
#ifndef QR_CHECKPOINT_MNTNS_H
#define QR_CHECKPOINT_MNTNS_H

#include <stdint.h>
#include <sys/types.h>

#include "image/image.h"

/* pid's mount namespace: its inode in *ns, 0 for init's; -1 with errno. */
int qr_mntns_of(pid_t pid, uint64_t *ns);

/* With w NULL: prints what cannot be carried of the namespaces of pids
 * (those not init's), returns how many; else also writes their records
 * (before the processes'). -1: init's mounts unreadable, said. */
int qr_mntns_capture(struct qri_writer *w, const pid_t *pids, int n);

#endif
