/* The processes of a running systemd service, for `reboot --unit`. */
#ifndef QR_UNIT_PROCS_H
#define QR_UNIT_PROCS_H

#include <stddef.h>
#include <sys/types.h>

/* Every process in the unit's cgroup (descendants included), its main PID
 * first, in *pids (malloc'd). The unit must be loaded, active and have a
 * main process. Returns 0, or a QR_EXIT_* code after saying why. */
int qr_unit_processes(const char *unit, pid_t **pids, size_t *n);

#endif
