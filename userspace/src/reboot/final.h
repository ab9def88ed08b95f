/* The final step of an orderly quick reboot, where systemd-shutdown would
 * run (orderly.h): what is left of the system ended, the kept processes
 * spared. */
#ifndef QR_FINAL_H
#define QR_FINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* SIGTERM to every process but PID 1, this one, kernel threads and the
 * kept PIDs, up to 10 s for them to end, then SIGKILL and up to 5 s more.
 * Says on stdout what it did. */
void qr_final_kill(const pid_t *kept, size_t nkept);

/* Syncs, unmounts every block-device file system it can, remounts the
 * others read-only where it can, says which and why not, syncs again. */
void qr_final_mounts(void);

#endif
