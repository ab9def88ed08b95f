/* The kept TCP sockets' packets dropped, not answered, from before their
 * capture until the kexec (netlock.c): nothing the image lacks is
 * acknowledged to a peer, no peer gets a reset; the peer's own
 * retransmissions carry the connection over to the New kernel. */
#ifndef QR_FDS_NETLOCK_H
#define QR_FDS_NETLOCK_H

#include <stdbool.h>
#include <sys/types.h>

/* Socket s (a duplicate of a kept TCP socket) drops every packet it
 * receives from now on (dry: only whether it could): 0, or -1 with *why
 * (it has a socket filter of its own, or one locked). */
int qr_netlock(int s, bool dry, const char **why);

/* Whether s carries the lock. */
bool qr_netlocked(int s);

/* Every TCP socket of these processes and their descendants lets
 * packets in again (a checkpoint that failed, a kexec that failed, a
 * thaw). Prints what it cannot undo; how many. */
int qr_netunlock(const pid_t *pids, int n);

#endif
