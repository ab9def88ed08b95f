/* The kept PIDs must still be free when restore recreates them in the New
 * kernel, and nothing started before restore may take them. The New
 * kernel's command line sets its last PID (sysctl.kernel.ns_last_pid=,
 * which the kernel applies itself before it starts init): every PID it
 * hands out afterwards, to services and kernel threads alike, lies above
 * every kept PID and TID until PIDs wrap at pid_max. pid_max is carried
 * over too (sysctl.kernel.pid_max=, applied first), so that a kept PID
 * above the New kernel's default limit can be created before systemd
 * raises it. Only kernel threads started before init hold PIDs below the
 * floor; a kept process whose PID one of them took is named by restore. */
#ifndef QR_PID_FLOOR_H
#define QR_PID_FLOOR_H

#include <stddef.h>
#include <sys/types.h>

/* The highest PID, TID, process group or zombie PID among the processes
 * a checkpoint of roots takes (checkpoint/tree.h): a group whose leader
 * exited is made again with its PID. -1 on an error (printed). */
long qr_kept_id_max(const pid_t *roots, int nroots);

/* Writes "sysctl.kernel.pid_max=MAX sysctl.kernel.ns_last_pid=FLOOR" into
 * buf. -1 (buf empty) if floor does not fit below pid_max or buf is too
 * small. */
int qr_pid_floor_params(char *buf, size_t size, long pid_max, long floor);

/* This kernel's pid_max and the last PID it handed out, -1 on an error
 * (printed). */
long qr_pid_max(void);
long qr_last_pid(void);

#endif
