/* See restore/semundo.h. semop(2) with SEM_UNDO records -sem_op as the
 * adjustment: an operation of -adj with SEM_UNDO, paired in the same
 * call with +adj without it, leaves the value as captured and the
 * adjustment as it was. The call is atomic and checks each step's value:
 * the pair is ordered so that neither goes below 0 nor above SEMVMX. It
 * makes this process the semaphore's last operator (GETPID) and sets the
 * set's sem_otime. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "lib/exit.h"
#include "restore/semundo.h"

static bool in_bounds(int v)
{
	return v >= 0 && v <= QRI_SEM_VMAX;
}

int qr_semundo_order(int v, int adj)
{
	if (in_bounds(v - adj))
		return 1;
	return in_bounds(v + adj) ? 0 : -1;
}

static int give(pid_t pid, const struct qri_sem_adj *a)
{
	int v = semctl((int)a->semid, a->semnum, GETVAL), first;
	struct sembuf ops[2];

	first = v < 0 ? -1 : qr_semundo_order(v, a->adj);
	if (first < 0) {
		qr_error("restore: pid %d: SEM_UNDO adjustment %d on System V semaphore set %u, semaphore %u: %s: not made",
			 pid, a->adj, a->semid, a->semnum, v < 0 ? strerror(errno) :
			 "its value leaves no room for the pair of operations");
		return -1;
	}
	ops[!first] = (struct sembuf){ a->semnum, (short)-a->adj, SEM_UNDO | IPC_NOWAIT };
	ops[first] = (struct sembuf){ a->semnum, a->adj, IPC_NOWAIT };
	if (semop((int)a->semid, ops, 2)) {
		qr_error("restore: pid %d: SEM_UNDO adjustment %d on System V semaphore set %u, semaphore %u: %s: not made",
			 pid, a->adj, a->semid, a->semnum, strerror(errno));
		return -1;
	}
	return 0;
}

int qr_restore_semundo(const struct qri_proc_img *pr)
{
	for (uint32_t i = 0; i < pr->nsemadj; i++)
		if (give((pid_t)pr->p.pid, &pr->semadj[i]))
			return -1;
	return 0;
}
