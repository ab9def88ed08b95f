/* See checkpoint/freeze.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "checkpoint/freeze.h"
#include "lib/exit.h"
#include "checkpoint/test_fail.h"
#include "lib/module_open.h"

#define PFNCHECK_MODULE "pfncheck"

int qr_pfncheck_open(void)
{
	return qr_module_open(PFNCHECK_MODULE, PFNCHECK_DEVICE, "checkpoint");
}

/* Threads cannot come or go while frozen: one retry with the count the
 * module asked for is enough. */
static int read_threads(int fd, struct qr_frozen *f, unsigned int cap)
{
	struct pfncheck_threads t = { .pid = f->pid };

	for (int tries = 0; tries < 2; tries++) {
		free(f->threads);
		f->threads = calloc(cap, sizeof(*f->threads));
		if (!f->threads)
			return -1;
		t.cap = cap;
		t.threads = (uintptr_t)f->threads;
		if (!ioctl(fd, PFNCHECK_IOC_THREADS, &t)) {
			f->nthreads = t.nr;
			return 0;
		}
		if (errno != ENOSPC)
			break;
		cap = t.nr;
	}
	qr_error("process %d: reading its threads: %s", f->pid, strerror(errno));
	return -1;
}

int qr_freeze(int fd, pid_t pid, struct qr_frozen *f)
{
	struct pfncheck_freeze fr = { .pid = pid };
	int n;

	*f = (struct qr_frozen) { .pid = pid };
	if (qr_test_fail("freeze"))
		fr.flags |= PFNCHECK_FREEZE_INJECT_HALF;
	if (ioctl(fd, PFNCHECK_IOC_FREEZE, &fr)) {
		if (errno == ETIMEDOUT)
			qr_error("process %d: thread %d did not freeze in time (uninterruptible wait?)",
				 pid, fr.stuck_tid);
		else
			qr_error("process %d: cannot freeze it: %s", pid, strerror(errno));
		return -1;
	}
	if (read_threads(fd, f, fr.nr_threads)) {
		qr_thaw(fd, f);
		return -1;
	}
	/* A thread that was exiting never runs user code again: not kept. */
	n = 0;
	for (int i = 0; i < f->nthreads; i++)
		if (f->threads[i].state == PFNCHECK_THREAD_PARKED)
			f->threads[n++] = f->threads[i];
	f->nthreads = n;
	return 0;
}

void qr_thaw(int fd, struct qr_frozen *f)
{
	struct pfncheck_thaw t = { .pid = f->pid };

	if (ioctl(fd, PFNCHECK_IOC_THAW, &t))
		qr_error("process %d: thaw: %s", f->pid, strerror(errno));
	qr_frozen_free(f);
}

void qr_frozen_free(struct qr_frozen *f)
{
	free(f->threads);
	f->threads = NULL;
	f->nthreads = 0;
}

int qr_commit(int fd)
{
	struct pfncheck_commit c = { .flags = 0 };

	if (!ioctl(fd, PFNCHECK_IOC_COMMIT, &c))
		return 0;
	if (errno == ESRCH && c.killed_pid > 0)
		qr_error("checkpoint: process %d was killed (SIGKILL) while frozen: it must not come back after the quick reboot; the checkpoint is abandoned and every process thawed (that one dies now)",
			 c.killed_pid);
	else
		qr_error("checkpoint: handing the frozen processes over to pfncheck: %s",
			 strerror(errno));
	return -1;
}

int qr_thaw_set(int fd, pid_t pid, const char *who)
{
	struct pfncheck_thaw t = { .pid = pid, .flags = PFNCHECK_THAW_SET };

	if (!ioctl(fd, PFNCHECK_IOC_THAW, &t)) {
		printf("%s: thawed %u process(es) frozen with %d\n", who,
		       t.nr_procs, pid);
		return 0;
	}
	if (errno == ENOENT)
		return 1;
	if (errno == EBUSY)
		qr_error("%s: process %d: a checkpoint in progress froze it; it thaws it when it ends",
			 who, pid);
	else
		qr_error("%s: cannot thaw %d: %s", who, pid, strerror(errno));
	return -1;
}

int qr_frozen_killed_check(const char *who)
{
	struct pfncheck_status st = { .flags = 0 };
	int fd = open(PFNCHECK_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 0;	/* pfncheck not loaded: nothing is frozen */
	if (ioctl(fd, PFNCHECK_IOC_STATUS, &st)) {
		qr_error("%s: asking pfncheck whether a frozen process was killed: %s",
			 who, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!st.nr_killed)
		return 0;
	qr_error("%s: refused: process %d (%u in all) was killed (SIGKILL) while frozen for the quick reboot; it must not come back in the New kernel: thaw its checkpoint (quickreboot thaw %d; it dies then), and checkpoint the others again",
		 who, st.killed_pid, st.nr_killed, st.killed_pid);
	return -1;
}
