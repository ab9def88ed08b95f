/* cr-timers DIR: POSIX timers for checkpoint/restore scenarios. Makes
 *   id 0  CLOCK_MONOTONIC, every 50 ms, SIGEV_SIGNAL SIGRTMIN+2, value
 *         0x4242 (the handler counts ticks carrying both)
 *   id 1  made and deleted: a gap
 *   id 2  CLOCK_REALTIME, one-shot in an hour, SIGEV_NONE
 *   id 3  CLOCK_BOOTTIME, SIGEV_THREAD_ID to the main thread, SIGRTMIN+3
 *         value 7: armed one-shot in 5 s when DIR/arm appears (then
 *         DIR/armed), just before a checkpoint: due during the reboot,
 *         restore arms it to fire at once
 *   id 4  CLOCK_MONOTONIC, never armed, SIGEV_SIGNAL SIGUSR1
 *   then made and deleted 5 and 6: the next timer gets 7.
 * writes DIR/info "pid=P" and DIR/timers (its /proc/self/timers). Each
 * time DIR/verify appears it checks itself and writes DIR/result "pid=P
 * ok=1", or "ok=0 bad=WHAT": /proc/self/timers as before, ids 0 2 3 4
 * there and 1 not, id 0's period and ticks (3 or more in 400 ms, each
 * with its value and id), id 2's time left (an hour less the CLOCK_REALTIME
 * since, within 5 s), id 3 fired once since it was armed, id 4
 * disarmed, the next timer id (one more at each check: made, deleted). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static volatile int ticks0, bad0, fired3;

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_value.sival_int != 0x4242 || si->si_timerid != 0)
		bad0 = 1;
	ticks0++;
}

static void on_once(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_value.sival_int == 7 && si->si_timerid == 3 &&
	    syscall(SYS_gettid) == getpid())
		fired3++;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int make(clockid_t clock, int notify, int sig, int value)
{
	struct sigevent ev = { .sigev_notify = notify, .sigev_signo = sig };
	int id;

	ev.sigev_value.sival_int = value;
	if (notify == SIGEV_THREAD_ID)
		ev._sigev_un._tid = getpid();
	if (syscall(SYS_timer_create, clock, &ev, &id))
		die("timer_create");
	return id;
}

static void arm(int id, long value_ms, long interval_ms)
{
	struct itimerspec its = {
		.it_value = { value_ms / 1000, value_ms % 1000 * 1000000 },
		.it_interval = { interval_ms / 1000, interval_ms % 1000 * 1000000 },
	};

	if (syscall(SYS_timer_settime, id, 0, &its, NULL))
		die("timer_settime");
}

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void put(const char *name, const char *text)
{
	char p[4096], tmp[4200];
	FILE *f;

	path(p, sizeof(p), name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, p))
		die(p);
}

static char *proc_timers(void)
{
	static char buf[8192];
	FILE *f = fopen("/proc/self/timers", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static double realtime(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static const char *check(const char *before, double armed2, int *next)
{
	struct itimerspec its;
	int t0, id;

	if (strcmp(proc_timers(), before))
		return "proc-timers";
	for (int i = 0; i <= 4; i++)
		if (!syscall(SYS_timer_gettime, i, &its) != (i != 1))
			return "ids";
	syscall(SYS_timer_gettime, 0, &its);
	if (its.it_interval.tv_sec || its.it_interval.tv_nsec != 50000000 ||
	    its.it_value.tv_sec || its.it_value.tv_nsec > 50000000)
		return "period";
	t0 = ticks0;
	nap_ms(400);
	if (ticks0 - t0 < 3 || bad0)
		return "ticks";
	syscall(SYS_timer_gettime, 2, &its);
	if (its.it_value.tv_sec + 5 < 3600 - (realtime() - armed2) ||
	    its.it_value.tv_sec > 3600 - (realtime() - armed2) + 5)
		return "hour-left";
	for (int i = 0; i < 30 && !fired3; i++)
		nap_ms(100);
	if (fired3 != 1)
		return "fired-once";
	syscall(SYS_timer_gettime, 4, &its);
	if (its.it_value.tv_sec || its.it_value.tv_nsec || its.it_interval.tv_sec)
		return "disarmed";
	id = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	syscall(SYS_timer_delete, id);
	if (id != (*next)++)
		return "next-id";
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_RESTART };
	char p[4096], a[4096], line[256], before[8192];
	double armed2;
	struct stat st;
	int next = 7;

	if (argc != 2)
		return 2;
	dir = argv[1];
	sa.sa_sigaction = on_tick;
	sigaction(SIGRTMIN + 2, &sa, NULL);
	sa.sa_sigaction = on_once;
	sigaction(SIGRTMIN + 3, &sa, NULL);
	if (make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 2, 0x4242) != 0 ||
	    make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0) != 1 ||
	    make(CLOCK_REALTIME, SIGEV_NONE, 0, 0) != 2 ||
	    make(CLOCK_BOOTTIME, SIGEV_THREAD_ID, SIGRTMIN + 3, 7) != 3 ||
	    make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0) != 4 ||
	    make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0) != 5 ||
	    make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0) != 6)
		die("ids");
	syscall(SYS_timer_delete, 1);
	syscall(SYS_timer_delete, 5);
	syscall(SYS_timer_delete, 6);
	arm(0, 50, 50);
	arm(2, 3600 * 1000, 0);
	armed2 = realtime();
	snprintf(before, sizeof(before), "%s", proc_timers());
	put("timers", before);
	snprintf(line, sizeof(line), "pid=%d\n", getpid());
	put("info", line);
	path(p, sizeof(p), "verify");
	path(a, sizeof(a), "arm");
	for (;;) {
		const char *bad;

		if (!stat(a, &st)) {
			unlink(a);
			fired3 = 0;
			arm(3, 5000, 0);
			put("armed", "1\n");
		}
		if (stat(p, &st)) {
			nap_ms(100);
			continue;
		}
		unlink(p);
		bad = check(before, armed2, &next);
		snprintf(line, sizeof(line), "pid=%d ok=%d%s%s\n", getpid(), !bad,
			 bad ? " bad=" : "", bad ? bad : "");
		put("result", line);
	}
}
