/* A kept process's SEM_UNDO adjustments: what the kernel adds to each
 * semaphore when the process exits, recorded by its semop(SEM_UNDO)
 * calls. Only pfncheck can read them (PFNCHECK_IOC_SEMUNDO), so after
 * the freeze: a refusal here fails the checkpoint, which thaws. Restore:
 * restore/semundo.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "checkpoint/capture.h"
#include "lib/exit.h"

/* The module's answer, with room for however many there are. */
static struct pfncheck_semadj *read_adjs(int fd, struct pfncheck_semundo *q)
{
	struct pfncheck_semadj *a = NULL;

	for (;;) {
		q->adjs = (uintptr_t)a;
		if (!ioctl(fd, PFNCHECK_IOC_SEMUNDO, q))
			return a ? a : calloc(1, sizeof(*a));
		free(a);
		if (errno != ENOSPC || q->nr > PFNCHECK_MAX_SEMADJ)
			return NULL;
		q->cap = q->nr;
		a = calloc(q->cap, sizeof(*a));
		if (!a)
			return NULL;
	}
}

static int by_set(const void *x, const void *y)
{
	const struct qri_sem_adj *a = x, *b = y;

	if (a->semid != b->semid)
		return a->semid < b->semid ? -1 : 1;
	return (a->semnum > b->semnum) - (a->semnum < b->semnum);
}

/* Why adjustment a cannot be carried, or NULL. */
static const char *refusal(const struct pfncheck_semadj *a)
{
	const struct qri_sysv_sem *s = a->semid >= 0 ?
		qr_sysv_sem_carried((uint32_t)a->semid) : NULL;

	if (!s)
		return "a set the checkpoint does not carry";
	if (a->semnum >= s->nsems)
		return "past the set's last semaphore (pfncheck misread the kernel's undo list)";
	if (a->adj < -QRI_SEM_VMAX)
		return "out of the kernel's range";
	return NULL;
}

int qr_capture_semundo(struct qri_writer *w, int fd, pid_t pid)
{
	struct pfncheck_semundo q = { .pid = pid };
	struct pfncheck_semadj *a = read_adjs(fd, &q);
	struct qri_sem_undo h = { .pid = pid };
	struct qri_sem_adj *out;
	const char *why;

	if (!a) {
		qr_error("process %d: cannot read its SEM_UNDO adjustments: %s%s",
			 pid, strerror(errno), errno == EPROTO ?
			 " (the kernel's struct sem_undo is not laid out as pfncheck reads it)" : "");
		return -1;
	}
	if (q.shared_outside) {
		qr_error("process %d: its SEM_UNDO adjustments are shared with %u task(s) of other processes (clone CLONE_SYSVSEM): not carried",
			 pid, q.shared_outside);
		free(a);
		return -1;
	}
	out = calloc(q.nr + 1, sizeof(*out));
	for (uint32_t i = 0; out && i < q.nr; i++) {
		why = refusal(&a[i]);
		if (why) {
			qr_error("process %d: SEM_UNDO adjustment %d on System V semaphore set %d, semaphore %u: %s: not carried",
				 pid, a[i].adj, a[i].semid, a[i].semnum, why);
			free(out);
			free(a);
			return -1;
		}
		out[i] = (struct qri_sem_adj){
			.semid = (uint32_t)a[i].semid, .semnum = a[i].semnum,
			.adj = a[i].adj,
		};
	}
	free(a);
	if (!out) {
		qr_error("process %d: SEM_UNDO adjustments: out of memory", pid);
		return -1;
	}
	if (q.nr) {
		qsort(out, q.nr, sizeof(*out), by_set);
		h.count = q.nr;
		qri_add_raw(w, QRI_SEM_UNDO, 0, &h, sizeof(h), out,
			    (size_t)q.nr * sizeof(*out));
	}
	free(out);
	return 0;
}
