/* The processes of a running systemd service, for `reboot --unit` and
 * `check --unit`. */
#ifndef QR_UNIT_PROCS_H
#define QR_UNIT_PROCS_H

#include <stddef.h>
#include <sys/types.h>

/* The unit's cgroup ("/system.slice/NAME.service") into cg and its main
 * PID (if main_pid is not NULL). The unit must be loaded, active and have
 * a main process. Returns 0, or a QR_EXIT_* code after saying why. */
int qr_unit_cgroup(const char *unit, char *cg, size_t size, pid_t *main_pid);

/* Every process in the unit's cgroup (descendants included), its main PID
 * first, in *pids (malloc'd). Returns as qr_unit_cgroup. */
int qr_unit_processes(const char *unit, pid_t **pids, size_t *n);

#endif
