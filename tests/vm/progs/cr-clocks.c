/*
 * cr-clocks DIR: watches its own clocks across quick reboots. Leads its
 * own session. The main thread samples CLOCK_MONOTONIC, CLOCK_BOOTTIME,
 * CLOCK_REALTIME and /proc/uptime every 20 ms; when CLOCK_REALTIME moved
 * more than 3 s between two samples (it was frozen over a quick reboot)
 * it writes DIR/jump-N (N = 1, 2, ...):
 *   "mono0=NS boot0=NS real0=NS up0=MS mono1=NS boot1=NS real1=NS up1=MS
 *   sys1=NS"
 * (0: the last sample before, 1: the first after; the clocks are read
 * through the vDSO, sys1 is CLOCK_MONOTONIC from the clock_gettime system
 * call right after mono1). Files it looks for
 * (each removed once seen; N counts them from 1):
 *   DIR/arm: starts a thread in an absolute clock_nanosleep(CLOCK_MONOTONIC,
 *     TIMER_ABSTIME) until 120 s later, and one in a relative
 *     clock_nanosleep(CLOCK_MONOTONIC) of 60 s; writes DIR/armed-N
 *     "abs_start=MS rel_start=MS" (CLOCK_REALTIME in ms) once both sleep;
 *     each writes DIR/abssleep-N or DIR/relsleep-N "ret=R end=MS" when its
 *     call returned.
 *   DIR/fork: forks a child that reads CLOCK_MONOTONIC; writes
 *     DIR/forked-N "before=NS child=NS after=NS" (the parent's clock
 *     before the fork and after the child ended).
 * cr-clocks --now prints CLOCK_REALTIME in ms.
 * cr-clocks --split DIR: a process whose children get a new time namespace
 * (unshare(CLONE_NEWTIME)), with one child, both pausing; writes DIR/split
 * "pid=P child=C" (for check's refusal).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *dir;

static long long ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The kernel's answer, not the vDSO's. */
static long long sys_ns(clockid_t id)
{
	struct timespec t;

	syscall(SYS_clock_gettime, id, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

static long long now_ms(void)
{
	return ns(CLOCK_REALTIME) / 1000000;
}

static long long uptime_ms(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	long long s = -1, cs = 0;

	if (f && fscanf(f, "%lld.%lld", &s, &cs) != 2)
		s = -1;
	if (f)
		fclose(f);
	return s < 0 ? -1 : s * 1000 + cs * 10;
}

static void put(const char *name, int n, const char *text)
{
	char p[4096], tmp[4200];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s-%d", dir, name, n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f)
		exit(90);
	fputs(text, f);
	fclose(f);
	rename(tmp, p);
}

/* Whether DIR/name was there; removes it. */
static int asked(const char *name)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return unlink(p) == 0;
}

struct sleep_arg {
	int n, absolute;
	long long start_ms;
	volatile int sleeping;
};

static void *sleeper(void *arg)
{
	struct sleep_arg *a = arg;
	struct timespec t = { 60, 0 };
	char line[128];
	int r;

	a->start_ms = now_ms();
	if (a->absolute) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += 120;
	}
	a->sleeping = 1;
	r = clock_nanosleep(CLOCK_MONOTONIC, a->absolute ? TIMER_ABSTIME : 0, &t,
			    NULL);
	snprintf(line, sizeof(line), "ret=%d end=%lld\n", r, now_ms());
	put(a->absolute ? "abssleep" : "relsleep", a->n, line);
	return NULL;
}

static void arm(int n)
{
	struct sleep_arg *a = calloc(2, sizeof(*a));
	struct timespec nap = { 0, 10000000 };
	char line[128];
	pthread_t th;

	for (int k = 0; k < 2; k++) {
		a[k].n = n;
		a[k].absolute = k == 0;
		pthread_create(&th, NULL, sleeper, &a[k]);
		pthread_detach(th);
	}
	while (!a[0].sleeping || !a[1].sleeping)
		nanosleep(&nap, NULL);
	nanosleep(&nap, NULL);
	snprintf(line, sizeof(line), "abs_start=%lld rel_start=%lld\n",
		 a[0].start_ms, a[1].start_ms);
	put("armed", n, line);
}

static void forked(int n)
{
	long long before = ns(CLOCK_MONOTONIC), child = 0, after;
	int fd[2], st;
	char line[128];
	pid_t c;

	if (pipe(fd))
		exit(91);
	c = fork();
	if (c == 0) {
		child = ns(CLOCK_MONOTONIC);
		_exit(write(fd[1], &child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	close(fd[1]);
	if (c < 0 || read(fd[0], &child, sizeof(child)) != sizeof(child))
		child = -1;
	close(fd[0]);
	waitpid(c, &st, 0);
	after = ns(CLOCK_MONOTONIC);
	snprintf(line, sizeof(line), "before=%lld child=%lld after=%lld\n",
		 before, child, after);
	put("forked", n, line);
}

static int split(void)
{
	char p[4096], line[64];
	FILE *f;
	pid_t c;

	if (unshare(CLONE_NEWTIME))
		return 4;
	c = fork();
	if (c == 0)
		for (;;)
			pause();
	snprintf(p, sizeof(p), "%s/split", dir);
	snprintf(line, sizeof(line), "pid=%d child=%d\n", getpid(), c);
	f = fopen(p, "w");
	if (!f)
		return 5;
	fputs(line, f);
	fclose(f);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 20000000 };
	long long mono0, boot0, real0, up0;
	int jumps = 0, arms = 0, forks = 0;
	char line[512];

	if (argc == 2 && !strcmp(argv[1], "--now")) {
		printf("%lld\n", now_ms());
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--split")) {
		dir = argv[2];
		return split();
	}
	if (argc != 2)
		return 2;
	dir = argv[1];
	if (setsid() < 0)
		return 3;
	mono0 = ns(CLOCK_MONOTONIC);
	boot0 = ns(CLOCK_BOOTTIME);
	real0 = ns(CLOCK_REALTIME);
	up0 = uptime_ms();
	for (;;) {
		long long mono1, boot1, real1, up1, sys1;

		nanosleep(&nap, NULL);
		mono1 = ns(CLOCK_MONOTONIC);
		sys1 = sys_ns(CLOCK_MONOTONIC);
		boot1 = ns(CLOCK_BOOTTIME);
		real1 = ns(CLOCK_REALTIME);
		up1 = uptime_ms();
		if (real1 - real0 > 3000000000ll) {
			snprintf(line, sizeof(line),
				 "mono0=%lld boot0=%lld real0=%lld up0=%lld mono1=%lld boot1=%lld real1=%lld up1=%lld sys1=%lld\n",
				 mono0, boot0, real0, up0, mono1, boot1, real1, up1, sys1);
			put("jump", ++jumps, line);
		}
		mono0 = mono1;
		boot0 = boot1;
		real0 = real1;
		up0 = up1;
		if (asked("arm"))
			arm(++arms);
		if (asked("fork"))
			forked(++forks);
	}
}
