/*
 * Seccomp filters, carried (checkpoint/seccomp.h).
 *
 * Only PTRACE_SECCOMP_GET_FILTER gives a filter's program, and only from a
 * thread in a ptrace stop. pfncheck's freeze parks threads in the kernel
 * (TASK_IDLE), which no ptrace request can stop, so the filters are read
 * before it: each thread is seized, interrupted (PTRACE_INTERRUPT), read
 * and detached at once. A thread of a unit already frozen by its cgroup
 * (cgroup.freeze) stops all the same: get_signal() handles a pending
 * ptrace trap (JOBCTL_TRAP_MASK) before the freezer's (JOBCTL_TRAP_FREEZE),
 * ptrace_stop() counts the stopped thread as frozen (cgroup_enter_frozen),
 * and after the detach the thread goes back to the freezer's trap (6.1 and
 * 6.12, kernel/signal.c). Reading struct seccomp_filter from pfncheck
 * instead would mean guessing a private struct's layout per kernel.
 *
 * Filters are only ever added to a chain (by the thread itself, or by a
 * sibling's SECCOMP_FILTER_FLAG_TSYNC, which only extends it): a thread
 * frozen with as many filters as were read has the chain that was read.
 */
#define _GNU_SOURCE
#include "checkpoint/seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/readfile.h"

#define CAP_SYS_ADMIN_ 21
/* How long a thread may take to reach its ptrace stop (it stops at its
 * next return to user mode: a thread in an uninterruptible wait, later). */
#define STOP_WAIT_MS 20000

const char *qr_seccomp_program_refused(const uint64_t *insns, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sock_filter in;

		memcpy(&in, &insns[i], sizeof(in));
		if (BPF_CLASS(in.code) != BPF_RET)
			continue;
		if (BPF_RVAL(in.code) != BPF_K)
			return "it returns a computed action, which could hand a system call to a listener (SECCOMP_RET_USER_NOTIF)";
		if ((in.k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			return "it can hand a system call to a listener (SECCOMP_RET_USER_NOTIF), which the New kernel would not have";
	}
	return NULL;
}

static int wait_stop(pid_t tid, int *sig)
{
	struct timespec ms = { 0, 1000000 };
	int st;

	for (int i = 0; i < STOP_WAIT_MS; i++) {
		pid_t r = waitpid(tid, &st, __WALL | WNOHANG);

		if (r < 0 && errno != EINTR)
			return -1;
		if (r == tid && WIFSTOPPED(st)) {
			/* A signal arriving first stops the thread for the
			 * tracer: given back at the detach. */
			*sig = st >> 16 ? 0 : WSTOPSIG(st);
			return 0;
		}
		if (r == tid) {
			errno = ESRCH;
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

/* The filter with this parent and program, added if there is none yet:
 * threads sharing a chain share its filters in the image. */
static int filter_id(struct qr_seccomp *s, uint32_t prev, uint32_t flags,
		     uint64_t *insns, uint32_t n, uint32_t *id)
{
	struct qr_seccomp_filter *f;

	for (size_t i = 0; i < s->nfilters; i++) {
		f = &s->filters[i];
		if (f->prev == prev && f->flags == flags && f->ninsns == n &&
		    !memcmp(f->insns, insns, n * sizeof(*insns))) {
			free(insns);
			*id = i;
			return 0;
		}
	}
	f = realloc(s->filters, (s->nfilters + 1) * sizeof(*f));
	if (!f) {
		free(insns);
		return -1;
	}
	s->filters = f;
	s->filters[s->nfilters] = (struct qr_seccomp_filter){
		.prev = prev, .flags = flags, .ninsns = n, .insns = insns };
	*id = s->nfilters++;
	return 0;
}

/* The chain of a stopped thread, oldest first (index 0 is the oldest). */
static int read_chain(pid_t pid, struct qr_seccomp *s,
		      struct qr_seccomp_thread *t, int *refused)
{
	uint32_t prev = QRI_SECCOMP_NONE;

	for (unsigned long i = 0;; i++) {
		struct __ptrace_seccomp_metadata md = { .filter_off = i };
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, t->tid, i, NULL);
		uint64_t *insns;
		const char *why;

		if (n < 0 && errno == ENOENT)
			return 0;
		if (n <= 0 || n > BPF_MAXINSNS) {
			qr_error("process %d: thread %d: seccomp filter %lu: %s",
				 pid, t->tid, i, n < 0 ? strerror(errno) : "bad length");
			return -1;
		}
		insns = calloc(n, sizeof(*insns));
		if (!insns ||
		    ptrace(PTRACE_SECCOMP_GET_FILTER, t->tid, i, insns) != n ||
		    ptrace(PTRACE_SECCOMP_GET_METADATA, t->tid, sizeof(md), &md) < 0) {
			qr_error("process %d: thread %d: seccomp filter %lu: %s",
				 pid, t->tid, i, strerror(errno ? errno : ENOMEM));
			free(insns);
			return -1;
		}
		why = qr_seccomp_program_refused(insns, n);
		if (why) {
			qr_error("process %d: thread %d: seccomp filter %lu (%ld instructions): not carried: %s",
				 pid, t->tid, i, n, why);
			++*refused;
		}
		if (filter_id(s, prev, md.flags & SECCOMP_FILTER_FLAG_LOG,
			      insns, n, &t->top)) {
			qr_error("process %d: out of memory", pid);
			return -1;
		}
		prev = t->top;
		t->depth++;
	}
}

/* Stops one thread, reads its chain, lets it go. 1: it is gone. */
static int read_thread(pid_t pid, struct qr_seccomp *s,
		       struct qr_seccomp_thread *t, int *refused)
{
	int sig = 0, rc;

	if (ptrace(PTRACE_SEIZE, t->tid, NULL, NULL)) {
		if (errno == ESRCH)
			return 1;
		qr_error("process %d: thread %d: seizing it to read its seccomp filters: %s%s",
			 pid, t->tid, strerror(errno),
			 errno == EPERM ? " (traced by another process?)" : "");
		return -1;
	}
	if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) ||
	    wait_stop(t->tid, &sig)) {
		if (errno == ESRCH)
			return 1;
		/* Not stopped, it cannot be detached: quickreboot's exit
		 * detaches it. */
		qr_error("process %d: thread %d: no ptrace stop to read its seccomp filters: %s",
			 pid, t->tid, strerror(errno));
		return -1;
	}
	rc = read_chain(pid, s, t, refused);
	if (ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)sig) &&
	    errno != ESRCH) {
		qr_error("process %d: thread %d: detaching: %s", pid, t->tid,
			 strerror(errno));
		rc = -1;
	}
	return rc;
}

int qr_seccomp_read(pid_t pid, struct qr_seccomp *s)
{
	char path[64];
	struct dirent *d;
	int refused = 0, rc = 0;
	DIR *dir;

	*s = (struct qr_seccomp){ .pid = pid };
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir) {
		qr_error("process %d: %s: %s", pid, path, strerror(errno));
		return -1;
	}
	while (!rc && (d = readdir(dir))) {
		struct qr_seccomp_thread *t;
		pid_t tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		t = realloc(s->threads, (s->nthreads + 1) * sizeof(*t));
		if (!t) {
			qr_error("process %d: out of memory", pid);
			rc = -1;
			break;
		}
		s->threads = t;
		t = &s->threads[s->nthreads];
		*t = (struct qr_seccomp_thread){ .tid = tid };
		rc = read_thread(pid, s, t, &refused);
		if (rc == 1)
			rc = 0;
		else if (!rc)
			s->nthreads++;
	}
	closedir(dir);
	if (rc) {
		qr_seccomp_free(s);
		return -1;
	}
	return refused;
}

void qr_seccomp_free(struct qr_seccomp *s)
{
	for (size_t i = 0; i < s->nfilters; i++)
		free(s->filters[i].insns);
	free(s->filters);
	free(s->threads);
	*s = (struct qr_seccomp){ .pid = s->pid };
}

/* Whether a thread of pid is traced: check names its tracer
 * (checkpoint/attrs.c), and the filters cannot be read. */
static int any_traced(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int traced = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && !traced && (d = readdir(dir))) {
		char name[64], *st, *l;
		int tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		snprintf(name, sizeof(name), "task/%d/status", tid);
		st = qr_read_proc(pid, name);
		l = st ? strstr(st, "\nTracerPid:") : NULL;
		traced = l && atoi(l + 11) != 0;
		free(st);
	}
	if (dir)
		closedir(dir);
	return traced;
}

int qr_seccomp_check(pid_t pid, const struct qr_creds *c)
{
	struct qr_seccomp s;
	int refused = 0, more;

	if (!c->seccomp || any_traced(pid))
		return 0;
	if (c->seccomp == 1) {
		qr_error("process %d: seccomp strict mode (Seccomp: 1): not carried: the restorer needs system calls that mode forbids",
			 pid);
		return 1;
	}
	/* Installing a filter takes no_new_privs or CAP_SYS_ADMIN. Without
	 * no_new_privs, restore installs them while the thread still has
	 * CAP_SYS_ADMIN, after its capabilities are set: they must leave it
	 * effective. Installing them earlier would run the restorer's
	 * setresuid, capset and prctl under them, which they may forbid. */
	if (!c->no_new_privs && !(c->cap_eff >> CAP_SYS_ADMIN_ & 1)) {
		qr_error("process %d: seccomp filters without no_new_privs and without CAP_SYS_ADMIN in its effective set: not carried: restore could install them only before dropping its capabilities, under filters that may forbid doing so",
			 pid);
		refused++;
	}
	more = qr_seccomp_read(pid, &s);
	if (more < 0)
		return refused + 1;
	qr_seccomp_free(&s);
	return refused + more;
}

static int seccomp_mode(pid_t pid)
{
	char *st = qr_read_proc(pid, "status");
	char *l = st ? strstr(st, "\nSeccomp:") : NULL;
	int mode = l ? atoi(l + 9) : -1;

	free(st);
	return mode;
}

int qr_seccomp_read_all(const pid_t *pids, int n, struct qr_seccomp **out)
{
	struct qr_seccomp *s = calloc(n ? n : 1, sizeof(*s));
	int refused = 0;

	*out = s;
	if (!s) {
		qr_error("checkpoint: out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int r;

		s[i].pid = pids[i];
		if (seccomp_mode(pids[i]) != SECCOMP_MODE_FILTER)
			continue;
		r = qr_seccomp_read(pids[i], &s[i]);
		if (r < 0)
			return -1;
		refused += r;
	}
	if (refused)
		qr_error("checkpoint: %d seccomp filter(s) named above cannot be carried; nothing was frozen",
			 refused);
	return refused ? -1 : 0;
}

void qr_seccomp_free_all(struct qr_seccomp *s, int n)
{
	for (int i = 0; s && i < n; i++)
		qr_seccomp_free(&s[i]);
	free(s);
}

/* Seccomp_filters of a frozen thread, -1 if it cannot be read. */
static long thread_filters(pid_t pid, pid_t tid)
{
	char name[64], *st, *l;
	long n = -1;

	snprintf(name, sizeof(name), "task/%d/status", tid);
	st = qr_read_proc(pid, name);
	l = st ? strstr(st, "\nSeccomp_filters:") : NULL;
	if (l)
		n = strtol(l + 17, NULL, 10);
	free(st);
	return n;
}

int qr_seccomp_write(struct qri_writer *w, const struct qr_seccomp *s,
		     const struct qr_frozen *f)
{
	for (int i = 0; i < f->nthreads; i++) {
		pid_t tid = f->threads[i].tid;
		long have = thread_filters(f->pid, tid);
		long read = 0;

		for (size_t j = 0; s && j < s->nthreads; j++)
			if (s->threads[j].tid == tid)
				read = s->threads[j].depth;
		if (have != read) {
			qr_error("process %d: thread %d has %ld seccomp filter(s), %ld when they were read: they changed before the freeze; thawed, try again",
				 f->pid, tid, have, read);
			return -1;
		}
	}
	for (size_t i = 0; s && i < s->nfilters; i++) {
		struct qri_seccomp_filter r = {
			.pid = f->pid, .id = i, .prev = s->filters[i].prev,
			.flags = s->filters[i].flags,
			.ninsns = s->filters[i].ninsns,
		};

		qri_add_raw(w, QRI_SECCOMP_FILTER, 0, &r, sizeof(r),
			    s->filters[i].insns, r.ninsns * sizeof(uint64_t));
	}
	for (size_t j = 0; s && j < s->nthreads; j++) {
		struct qri_thread_seccomp t = { .pid = f->pid,
			.tid = s->threads[j].tid, .top = s->threads[j].top };

		if (!s->threads[j].depth)
			continue;
		for (int i = 0; i < f->nthreads; i++)
			if ((uint32_t)f->threads[i].tid == t.tid)
				qri_add_raw(w, QRI_THREAD_SECCOMP, 0, &t,
					    sizeof(t), NULL, 0);
	}
	return 0;
}
