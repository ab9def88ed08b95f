/* A process's privileges, sandbox, scheduling and memory advice: captured
 * from outside through /proc/PID files and system calls that take another
 * process, and checked before anything is frozen, so that what restore
 * cannot carry is refused by name instead of being dropped. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint/attrs.h"
#include "checkpoint/capture.h"
#include "checkpoint/creds.h"
#include "checkpoint/maps.h"
#include "checkpoint/mntns.h"
#include "checkpoint/seccomp.h"
#include "image/format.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define SCHED_DEADLINE_ 6
/* The blob's room for a thread's affinity (restorer/restorer.h). */
#define AFFINITY_BYTES 1024

/* ---- memory advice: smaps VmFlags by area ---- */

struct qr_area_advice {
	uint64_t start;
	uint32_t advice;
	const char *refused;	/* a static string, or NULL */
};

/* 6.1 and 6.12 show mlock2(MLOCK_ONFAULT) as "lo" only. A locked area
 * not all resident is one locked on fault (mlock populates the area and
 * locked pages are never reclaimed): restored as such, it is not
 * populated (zero copy leaves absent pages absent). */
static uint32_t lock_on_fault(uint32_t adv, unsigned long long rss_kb,
			      unsigned long long size_kb)
{
	if (adv & QRI_ADV_LOCKED && rss_kb < size_kb)
		adv |= QRI_ADV_LOCKONFAULT;
	return adv;
}

/* Every area's advice, in address order; -1 if smaps cannot be read. */
static int read_advice(pid_t pid, struct qr_area_advice **out, size_t *n)
{
	char path[64], *line = NULL;
	struct qr_area_advice *a = NULL;
	size_t cap = 0, acap = 0;
	unsigned long long size_kb = 0, rss_kb = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end;
		char c;

		if (!strncmp(line, "Size:", 5))
			size_kb = strtoull(line + 5, NULL, 10);
		else if (!strncmp(line, "Rss:", 4))
			rss_kb = strtoull(line + 4, NULL, 10);
		if (!strncmp(line, "VmFlags:", 8)) {
			if (*n)
				a[*n - 1].advice = lock_on_fault(
					qr_vmflags_advice(line + 8, &a[*n - 1].refused),
					rss_kb, size_kb);
			continue;
		}
		/* An area's first line: "start-end perms ..." (field lines
		 * are "Key: value", no '-' after a first hex word). */
		if (sscanf(line, "%llx-%llx %c", &start, &end, &c) != 3)
			continue;
		if (*n == acap) {
			struct qr_area_advice *b =
				realloc(a, (acap = acap ? acap * 2 : 64) * sizeof(*b));

			if (!b) {
				free(a);
				free(line);
				fclose(f);
				return -1;
			}
			a = b;
		}
		a[(*n)++] = (struct qr_area_advice){ .start = start };
	}
	free(line);
	fclose(f);
	*out = a;
	return 0;
}

static const struct qr_area_advice *advice_at(const struct qr_area_advice *a,
					      size_t n, uint64_t start)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid].start == start)
			return &a[mid];
		if (a[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int qr_advice_load(pid_t pid, struct qr_advice *adv)
{
	return read_advice(pid, &adv->areas, &adv->n);
}

uint32_t qr_advice_of(const struct qr_advice *adv, uint64_t start)
{
	const struct qr_area_advice *a = advice_at(adv->areas, adv->n, start);

	return a ? a->advice : 0;
}

void qr_advice_free(struct qr_advice *adv)
{
	free(adv->areas);
	adv->areas = NULL;
	adv->n = 0;
}

/* ---- capture ---- */

static int capture_sched(struct qri_writer *w, pid_t pid, pid_t tid)
{
	struct qri_thread_sched s = { .pid = pid, .tid = tid };
	static uint8_t mask[AFFINITY_BYTES];
	struct sched_param sp;
	char path[64], *slack;
	long n;
	int pol;

	errno = 0;
	pol = sched_getscheduler(tid);
	if (pol < 0 || sched_getparam(tid, &sp))
		goto fail;
	s.nice = getpriority(PRIO_PROCESS, tid);
	if (errno)
		goto fail;
	memset(mask, 0, sizeof(mask));
	n = syscall(SYS_sched_getaffinity, tid, sizeof(mask), mask);
	if (n <= 0)
		goto fail;
	s.policy = pol;
	s.rt_priority = sp.sched_priority;
	s.ncpus = ((n + 7) / 8) * 64;
	pol = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, tid);
	snprintf(path, sizeof(path), "/proc/%d/timerslack_ns", tid);
	slack = qr_read_file(path, 64);
	if (pol < 0 || !slack)
		goto fail;
	s.ioprio = pol;
	s.timerslack_ns = strtoull(slack, NULL, 10);
	free(slack);
	qri_add_thread_sched(w, &s, mask);
	return 0;
fail:
	qr_error("process %d: thread %d: scheduling: %s", pid, tid,
		 strerror(errno ? errno : EINVAL));
	return -1;
}

int qr_capture_attrs(struct qri_writer *w, const struct qr_frozen *f)
{
	struct qri_proc_attrs pa = { .pid = f->pid };
	struct qri_proc_mntns mnt = { .pid = f->pid };
	char *status = qr_read_proc(f->pid, "status");
	char *oom = qr_read_proc(f->pid, "oom_score_adj");
	struct qri_creds k = { .pid = f->pid };
	struct qr_creds c = { 0 };
	struct qr_err e;
	int rc = -1;

	if (!status || !oom) {
		qr_error("process %d: %s", f->pid, strerror(errno));
		goto out;
	}
	if (qr_status_creds(status, &c, &e)) {
		qr_error("process %d: %s", f->pid, e.msg);
		goto out;
	}
	k.no_new_privs = c.no_new_privs;
	k.cap_inh = c.cap_inh;
	k.cap_prm = c.cap_prm;
	k.cap_eff = c.cap_eff;
	k.cap_bnd = c.cap_bnd;
	k.cap_amb = c.cap_amb;
	k.ngroups = c.ngroups;
	qri_add_creds(w, &k, c.groups);
	pa.oom_score_adj = atoi(oom);
	pa.thp_disabled = c.thp_enabled == 0;
	qri_add_proc_attrs(w, &pa);
	if (qr_mntns_of(f->pid, &mnt.ns)) {
		qr_error("process %d: mount namespace: %s", f->pid, strerror(errno));
		goto out;
	}
	if (mnt.ns)
		qri_add_raw(w, QRI_PROC_MNTNS, 0, &mnt, sizeof(mnt), NULL, 0);
	for (int i = 0; i < f->nthreads; i++)
		if (capture_sched(w, f->pid, f->threads[i].tid))
			goto out;
	if (qr_seccomp_write(w, f->seccomp, f))
		goto out;
	rc = 0;
out:
	qr_creds_free(&c);
	free(status);
	free(oom);
	return rc;
}

/* ---- check ---- */

/* Namespaces restore does not recreate: the kept process comes back in
 * init's (time is carried, see clocks/; mount namespaces, mntns.c). */
static int check_namespaces(pid_t pid)
{
	static const char *const ns[] = { "user", "uts", "ipc", "net",
		"pid", "pid_for_children", "cgroup" };
	int refused = 0;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char a[96], b[96], la[64] = "", lb[64] = "";
		ssize_t na, nb;

		snprintf(a, sizeof(a), "/proc/%d/ns/%s", pid, ns[i]);
		snprintf(b, sizeof(b), "/proc/1/ns/%s", ns[i]);
		na = readlink(a, la, sizeof(la) - 1);
		nb = readlink(b, lb, sizeof(lb) - 1);
		if (na < 0 && errno == ENOENT && nb < 0)
			continue;	/* a kernel without it */
		if (na < 0 || nb < 0) {
			qr_error("process %d: %s namespace: cannot compare with init's: %s",
				 pid, ns[i], strerror(errno));
			refused++;
			continue;
		}
		la[na] = lb[nb] = '\0';
		if (strcmp(la, lb)) {
			qr_error("process %d: %s namespace %s is not init's (%s): not carried: restore would put it in init's, with more visibility than it had",
				 pid, ns[i], la, lb);
			refused++;
		}
	}
	return refused;
}

/* Every thread with the same credentials: the image has one set. */
static int check_threads(pid_t pid, const char *status)
{
	char want[1024], got[1024], path[64];
	int refused = 0;
	struct dirent *d;
	DIR *dir;

	qr_status_cred_lines(status, want, sizeof(want));
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;	/* the process is gone: its own check says so */
	while ((d = readdir(dir))) {
		char name[64], *t, *tracer;
		int tid = atoi(d->d_name);
		int pol;

		if (tid <= 0)
			continue;
		snprintf(name, sizeof(name), "task/%d/status", tid);
		t = qr_read_proc(pid, name);
		if (!t)
			continue;
		qr_status_cred_lines(t, got, sizeof(got));
		tracer = strstr(t, "\nTracerPid:");
		if (tid != pid && tracer && atoi(tracer + 11)) {
			qr_error("process %d: thread %d: traced by process %d: not carried",
				 pid, tid, atoi(tracer + 11));
			refused++;
		}
		free(t);
		if (strcmp(want, got)) {
			qr_error("process %d: thread %d has other credentials or capabilities than the process: not carried (restore gives every thread the same)",
				 pid, tid);
			refused++;
		}
		pol = sched_getscheduler(tid);
		if (pol >= 0 && (pol & ~SCHED_RESET_ON_FORK) == SCHED_DEADLINE_) {
			qr_error("process %d: thread %d: SCHED_DEADLINE: not carried", pid, tid);
			refused++;
		}
		{
			static uint8_t mask[AFFINITY_BYTES * 2];
			long n = syscall(SYS_sched_getaffinity, tid, sizeof(mask), mask);

			for (long j = AFFINITY_BYTES; j < n; j++)
				if (mask[j]) {
					qr_error("process %d: thread %d: affinity names CPU %ld or above: not carried (restore takes %d CPUs)",
						 pid, tid, j * 8, AFFINITY_BYTES * 8);
					refused++;
					break;
				}
		}
	}
	closedir(dir);
	return refused;
}

static int check_root(pid_t pid)
{
	char path[64], l[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	n = readlink(path, l, sizeof(l) - 1);
	if (n < 0)
		return 0;	/* capture names what it cannot read */
	l[n] = '\0';
	if (!qr_path_deleted(l))
		return 0;
	qr_error("process %d: its root directory %s was deleted: not carried",
		 pid, l);
	return 1;
}

static int check_advice(pid_t pid)
{
	struct qr_area_advice *a;
	int refused = 0;
	size_t n;

	if (read_advice(pid, &a, &n)) {
		qr_error("process %d: smaps: %s", pid, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i].refused) {
			qr_error("process %d: memory at 0x%llx has VmFlags %s (%s): not carried",
				 pid, (unsigned long long)a[i].start, a[i].refused,
				 !strcmp(a[i].refused, "sl") ? "sealed" :
				 a[i].refused[0] == 'u' ? "userfaultfd" :
				 !strcmp(a[i].refused, "ss") ? "shadow stack" :
				 "memory tagging");
			refused++;
		}
	free(a);
	return refused;
}

int qr_check_attrs(pid_t pid)
{
	char *status = qr_read_proc(pid, "status");
	struct qr_creds c;
	struct qr_err e;
	int refused = 0;

	if (!status)
		return 0;	/* qr_capture_check names it */
	if (qr_status_creds(status, &c, &e)) {
		qr_error("process %d: %s", pid, e.msg);
		refused++;
	} else {
		refused += qr_seccomp_check(pid, &c);
	}
	qr_creds_free(&c);
	refused += check_threads(pid, status);
	free(status);
	refused += check_namespaces(pid);
	refused += qr_timers_check(pid);
	refused += check_root(pid);
	refused += check_advice(pid);
	return refused;
}
