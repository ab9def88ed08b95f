/*
 * cr-blocked DIR: threads blocked in system calls for checkpoint/restore
 * scenarios. Leads its own session (no controlling terminal), forks a
 * child C that naps until DIR/exit appears and then exits 42, and runs:
 *  - thread S: one nanosleep system call of 20 s, rem given (the kernel's
 *    nanosleep is on CLOCK_MONOTONIC; glibc's nanosleep() would call
 *    clock_nanosleep on CLOCK_REALTIME);
 *  - thread T: one relative clock_nanosleep(CLOCK_REALTIME) of 20 s (what
 *    glibc's nanosleep() does; the kernel times it on CLOCK_MONOTONIC);
 *  - thread A: one absolute clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME)
 *    until 40 s after it began;
 *  - thread D: one read() of /dev/console, which nothing ever types on;
 *  - the main thread: waitpid(C).
 * Files (times: CLOCK_REALTIME in ms):
 *   DIR/info    "pid=P child=C s_tid=TID t_tid=TID a_tid=TID d_tid=TID
 *               s_start=MS t_start=MS a_start=MS" (when each began sleeping)
 *   DIR/sleep   "ret=R errno=E end=MS" once S's nanosleep returned
 *   DIR/rtsleep "ret=R errno=E end=MS" once T's returned
 *   DIR/abssleep "ret=R errno=E end=MS" once A's returned
 *   DIR/read    "n=N errno=E" if D's read ever returned (it must not)
 *   DIR/waited  "pid=W exit=N" once waitpid returned
 * cr-blocked --now prints CLOCK_REALTIME in ms (busybox date has no %N).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
enum { S, T, A, D, N };
static volatile pid_t tids[N];
static long long starts[N];

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void put(const char *name, const char *text)
{
	char p[4096], tmp[4200];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f)
		exit(90);
	fputs(text, f);
	fclose(f);
	rename(tmp, p);
}

static void *sleeper(void *arg)
{
	static const char *const names[] = { "sleep", "rtsleep", "abssleep" };
	int k = (int)(intptr_t)arg, r, e;
	struct timespec req = { 20, 0 }, rem = { 0, 0 };
	char line[128];

	starts[k] = now_ms();
	tids[k] = gettid();
	if (k == S) {
		r = syscall(SYS_nanosleep, &req, &rem);
		e = r ? errno : 0;
	} else if (k == T) {
		r = clock_nanosleep(CLOCK_REALTIME, 0, &req, &rem);
		e = r;
	} else {
		clock_gettime(CLOCK_REALTIME, &req);
		req.tv_sec += 40;
		r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req, NULL);
		e = r;
	}
	snprintf(line, sizeof(line), "ret=%d errno=%d end=%lld\n", r, e, now_ms());
	put(names[k], line);
	return NULL;
}

static void *reader(void *arg)
{
	int fd = open("/dev/console", O_RDONLY | O_NOCTTY);
	char c, line[64];
	ssize_t n;

	(void)arg;
	tids[D] = gettid();
	if (fd < 0)
		return NULL;
	n = read(fd, &c, 1);
	snprintf(line, sizeof(line), "n=%zd errno=%d\n", n, n < 0 ? errno : 0);
	put("read", line);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 200000000 };
	char line[256], p[4096];
	pthread_t th[N];
	struct stat sb;
	pid_t c, w;
	int st;

	if (argc == 2 && !strcmp(argv[1], "--now")) {
		printf("%lld\n", now_ms());
		return 0;
	}
	if (argc != 2)
		return 2;
	dir = argv[1];
	if (setsid() < 0)
		return 3;
	c = fork();
	if (c == 0) {
		snprintf(p, sizeof(p), "%s/exit", dir);
		while (stat(p, &sb))
			nanosleep(&nap, NULL);
		_exit(42);
	}
	for (int k = S; k <= A; k++)
		pthread_create(&th[k], NULL, sleeper, (void *)(intptr_t)k);
	pthread_create(&th[D], NULL, reader, NULL);
	while (!tids[S] || !tids[T] || !tids[A] || !tids[D])
		nanosleep(&nap, NULL);
	snprintf(line, sizeof(line),
		 "pid=%d child=%d s_tid=%d t_tid=%d a_tid=%d d_tid=%d s_start=%lld t_start=%lld a_start=%lld\n",
		 getpid(), c, tids[S], tids[T], tids[A], tids[D], starts[S],
		 starts[T], starts[A]);
	put("info", line);
	w = waitpid(c, &st, 0);
	snprintf(line, sizeof(line), "pid=%d exit=%d\n", w,
		 w > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	put("waited", line);
	for (;;)
		pause();
}
