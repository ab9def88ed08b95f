/* See checkpoint_stop.h. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "checkpoint_stop.h"
#include "cli.h"

static int stopped_already(const struct qr_stopped *s, pid_t tid)
{
	for (int i = 0; i < s->ntids; i++)
		if (s->tids[i] == tid)
			return 1;
	return 0;
}

static int stop_thread(struct qr_stopped *s, pid_t tid)
{
	pid_t *t = realloc(s->tids, (s->ntids + 1) * sizeof(*t));
	int status;

	if (!t)
		return -1;
	s->tids = t;
	if (ptrace(PTRACE_SEIZE, tid, 0, 0)) {
		qr_error("thread %d: cannot stop it: %s", tid, strerror(errno));
		return -1;
	}
	s->tids[s->ntids++] = tid;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) ||
	    waitpid(tid, &status, __WALL) != tid || !WIFSTOPPED(status)) {
		qr_error("thread %d: did not stop: %s", tid, strerror(errno));
		return -1;
	}
	return 0;
}

/* One pass over /proc/PID/task; returns how many new threads it stopped,
 * or -1. */
static int stop_pass(struct qr_stopped *s)
{
	char path[64];
	struct dirent *d;
	int added = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", s->pid);
	dir = opendir(path);
	if (!dir) {
		qr_error("process %d: %s", s->pid, strerror(errno));
		return -1;
	}
	while ((d = readdir(dir))) {
		pid_t tid = strtol(d->d_name, NULL, 10);

		if (tid <= 0 || stopped_already(s, tid))
			continue;
		if (stop_thread(s, tid)) {
			closedir(dir);
			return -1;
		}
		added++;
	}
	closedir(dir);
	return added;
}

int qr_stop(pid_t pid, struct qr_stopped *s)
{
	int n;

	*s = (struct qr_stopped) { .pid = pid };
	while ((n = stop_pass(s)) > 0)
		;
	if (n < 0) {
		qr_release(s, 0);
		return -1;
	}
	return 0;
}

void qr_release(struct qr_stopped *s, int keep_stopped)
{
	if (keep_stopped && s->ntids)
		kill(s->pid, SIGSTOP);
	for (int i = 0; i < s->ntids; i++)
		ptrace(PTRACE_DETACH, s->tids[i], 0, 0);
	free(s->tids);
	s->tids = NULL;
	s->ntids = 0;
}
