/*
 * cr-blocked DIR: threads blocked in system calls for checkpoint/restore
 * scenarios. Leads its own session (no controlling terminal), forks a
 * child C that naps until DIR/exit appears and then exits 42, and runs:
 *  - thread S: one nanosleep system call of 20 s, rem given (the kernel's
 *    nanosleep is on CLOCK_MONOTONIC; glibc's nanosleep() would call
 *    clock_nanosleep on CLOCK_REALTIME);
 *  - thread T: one clock_nanosleep(CLOCK_REALTIME, relative) of 45 s;
 *  - thread D: one read() of /dev/console, which nothing ever types on;
 *  - the main thread: waitpid(C).
 * Files (times: CLOCK_REALTIME in ms):
 *   DIR/info    "pid=P child=C s_tid=TID t_tid=TID d_tid=TID mono_start=MS
 *               real_start=MS" (when S and T began sleeping)
 *   DIR/sleep   "ret=R errno=E end=MS" once S's nanosleep returned
 *   DIR/rtsleep "ret=R errno=E end=MS" once T's returned
 *   DIR/read    "n=N errno=E" if D's read ever returned (it must not)
 *   DIR/waited  "pid=W exit=N" once waitpid returned
 * cr-blocked --now prints CLOCK_REALTIME in ms (busybox date has no %N).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static volatile pid_t tids[3];
static long long starts[2];

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
	int rt = arg != NULL, r, e;
	struct timespec req = { rt ? 45 : 20, 0 }, rem = { 0, 0 };
	char line[128];

	starts[rt] = now_ms();
	tids[rt] = gettid();
	if (rt) {
		r = clock_nanosleep(CLOCK_REALTIME, 0, &req, &rem);
		e = r;
	} else {
		r = syscall(SYS_nanosleep, &req, &rem);
		e = r ? errno : 0;
	}
	snprintf(line, sizeof(line), "ret=%d errno=%d end=%lld\n", r, e, now_ms());
	put(rt ? "rtsleep" : "sleep", line);
	return NULL;
}

static void *reader(void *arg)
{
	int fd = open("/dev/console", O_RDONLY | O_NOCTTY);
	char c, line[64];
	ssize_t n;

	(void)arg;
	tids[2] = gettid();
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
	pthread_t th[3];
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
	pthread_create(&th[0], NULL, sleeper, NULL);
	pthread_create(&th[1], NULL, sleeper, (void *)1);
	pthread_create(&th[2], NULL, reader, NULL);
	while (!tids[0] || !tids[1] || !tids[2])
		nanosleep(&nap, NULL);
	snprintf(line, sizeof(line), "pid=%d child=%d s_tid=%d t_tid=%d d_tid=%d mono_start=%lld real_start=%lld\n",
		 getpid(), c, tids[0], tids[1], tids[2], starts[0], starts[1]);
	put("info", line);
	w = waitpid(c, &st, 0);
	snprintf(line, sizeof(line), "pid=%d exit=%d\n", w,
		 w > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	put("waited", line);
	for (;;)
		pause();
}
