/*
 * cr-evloop DIR: an event loop with threads for checkpoint/restore
 * scenarios. The main thread waits in epoll_wait on epoll 10, whose
 * targets are (fd: kind, registration, data word):
 *   11 eventfd, EPOLLIN|EPOLLET, a worker thread adds 1 every 20 ms (the
 *      wake-up between threads); the loop drains it on each edge
 *   12 eventfd in semaphore mode made with 3, EPOLLIN|EPOLLONESHOT: it
 *      fires once at the start, the loop takes 1 and never arms it again
 *   13 eventfd, EPOLLIN|EPOLLONESHOT, armed, written only by verify
 *   14 eventfd, EPOLLIN|EPOLLEXCLUSIVE, written only by verify
 *   16 timerfd CLOCK_MONOTONIC, EPOLLIN|EPOLLWAKEUP, every 100 ms
 *   17 timerfd CLOCK_REALTIME, EPOLLIN|EPOLLET, absolute, 5 s after DIR/arm
 *   18 timerfd CLOCK_MONOTONIC, EPOLLIN, absolute, 90 s after DIR/arm
 *   19 timerfd CLOCK_BOOTTIME, EPOLLIN|EPOLLONESHOT|EPOLLET, relative
 *      5 s from DIR/arm (armed again then)
 *   23 pipe's read end, EPOLLIN|EPOLLET: the worker writes to 24 a byte
 *      per wake-up, the k-th being k mod 256; the loop reads them in order
 *   25 UNIX stream socket listening on DIR/sock, EPOLLIN|EPOLLET
 *   26 the same on the abstract name "cr-evloop-abstract"
 *   30.. the connections accepted, in order, EPOLLIN|EPOLLET: the loop
 *      greets each (8 bytes), then answers each 8-byte request "REQ"+n
 *      with "ANS"+n, n counting from 0 on each connection
 * The client is a child process: it connects to 25 and 26, once more
 * (alternately) each time DIR/connect appears (it writes DIR/client
 * "made=N" after each connect), sends no request before its greeting and
 * at most 4 unanswered, one every 50 ms per connection. DIR/arm also
 * makes the loop hold: it stops reading 23, accepting and reading
 * requests, asks the client for a connection, and waits until one is
 * queued on a listener, requests wait on an accepted one and wake-ups in
 * the pipe; DIR/armed then says so too.
 * (DIR/arm is removed once seen, and may come again before each
 * checkpoint: the timers are armed anew, their counts start again.)
 * Fd 15 is an eventfd without O_NONBLOCK that a second worker thread
 * blocks reading. Fd 20 is a signalfd for SIGUSR2 and SIGRTMIN+3, which
 * every thread blocks, target (data 0x6666) of epoll 21, itself the
 * target (0x8888) of epoll 22: neither is waited on, so the SIGUSR2 that
 * DIR/arm queues (value 77) stays pending. O_NONBLOCK and FD_CLOEXEC
 * differ from fd to fd (see fds[]). DIR/info: "pid=P client=C" once set
 * up; DIR/armed: "real_due=MS mono_due=MS conns_queued=N req_bytes_held=N
 * pipe_bytes_held=N" (the absolute timers' due times, ms of their clocks;
 * connections not accepted, the most request bytes waiting on one
 * connection, bytes in the pipe) once DIR/arm is seen. Timer 18 writes DIR/abs-mono,
 * "due=MS at=MS ticks=N", when it fires.
 * When DIR/verify appears it writes DIR/result:
 *   "pid=P fds=1 masks=1 count=1 sem=1 oneshot=1 armed=1 excl=1 tick=1
 *    abs_real=1 rel=1 sig=1 nested=1 block=1 events=1 wakeup=1 pipe=1
 *    unix=1 names=1 client=C conns=N ..."
 * (fds: each fd at its number is its kind with its O_NONBLOCK and
 * FD_CLOEXEC; masks: epoll 10's fdinfo lists each target with its mask
 * and data word; count: what the worker added is what the loop read plus
 * what the counter holds; sem: the counter holds 2 and one read takes 1;
 * oneshot: fd 12 was reported once, ever; armed: written twice, fd 13 is
 * reported once; excl: fd 14 is reported when written; tick: the ticks
 * read are the 100 ms periods of CLOCK_MONOTONIC since it was armed,
 * within 2; abs_real: timer 17 fired once, not before its due time; rel:
 * timer 19 fired once; sig, nested: epoll 22 then 21 report the pending
 * signal, and the signalfd reads SIGUSR2 with 77; block: the blocked
 * reader reads what verify writes to fd 15; events: no event with another
 * data word; mono: its CLOCK_MONOTONIC in ms; wakeup: the kernel kept
 * EPOLLWAKEUP on fd 16 at the start, which it drops without
 * CAP_BLOCK_SUSPEND; pipe: every byte the worker wrote read once, in
 * order; unix: the hold let go, every queued connection accepted and the
 * client (asked through DIR/cverify, answering DIR/cresult "ok=1 conns=N
 * bad=0 answered=A") got one answer per request sent, in order, on every
 * connection, and the loop saw every request in order; names: the
 * listeners listen with their names; conns: connections accepted, ever),
 * removes DIR/verify, queues SIGUSR2 again and arms fd 13's one-shot
 * again.
 *
 * cr-evloop --many N DIR: N eventfds from fd 100 on, fd 100 + i holding
 * i + 1, the odd ones in semaphore mode; "pid=P" in DIR/many-info. When
 * DIR/many-verify appears it writes DIR/many-result "ok=1 n=N" (ok: every
 * counter and mode as made: a read takes 1 or the whole counter, then
 * written back) and removes DIR/many-verify.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define EP 10
#define EV_COUNT 11
#define EV_SEM 12
#define EV_ARMED 13
#define EV_EXCL 14
#define EV_BLOCK 15
#define TICK 16
#define ABS_REAL 17
#define ABS_MONO 18
#define REL 19
#define SFD 20
#define EP_INNER 21
#define EP_OUTER 22
#define PIPE_R 23
#define PIPE_W 24
#define LSN_PATH 25
#define LSN_ABS 26
#define CONN0 30	/* accepted connections, 30.. in order */
#define MAXCONN 8
#define ABS_NAME "cr-evloop-abstract"
#define WINDOW 4	/* requests a client connection sends unanswered */
#define REQ(s) (0x5245510000000000ull | (s))
#define ANS(s) (0x414e530000000000ull | (s))
#define SEQ(v) ((v) & 0xffffffffffull)
#define HELLO 0x48454c4c4f000000ull

#define D(fd) (0xd00dfeed00000000ull | ((uint64_t)(fd) << 8) | 0x5a)
#define D_SIG 0x6666666666666666ull
#define D_INNER 0x8888888888888888ull
#define TICK_MS 100

static const struct {
	int fd;
	const char *link;
	int nonblock, cloexec;
} fds[] = {
	{ EP, "anon_inode:[eventpoll]", 0, 1 },
	{ EV_COUNT, "anon_inode:[eventfd]", 1, 1 },
	{ EV_SEM, "anon_inode:[eventfd]", 1, 0 },
	{ EV_ARMED, "anon_inode:[eventfd]", 1, 1 },
	{ EV_EXCL, "anon_inode:[eventfd]", 1, 0 },
	{ EV_BLOCK, "anon_inode:[eventfd]", 0, 1 },
	{ TICK, "anon_inode:[timerfd]", 1, 1 },
	{ ABS_REAL, "anon_inode:[timerfd]", 1, 0 },
	{ ABS_MONO, "anon_inode:[timerfd]", 1, 0 },
	{ REL, "anon_inode:[timerfd]", 1, 1 },
	{ SFD, "anon_inode:[signalfd]", 1, 1 },
	{ EP_INNER, "anon_inode:[eventpoll]", 0, 0 },
	{ EP_OUTER, "anon_inode:[eventpoll]", 0, 1 },
	{ PIPE_R, "pipe:[", 1, 1 },
	{ PIPE_W, "pipe:[", 1, 0 },
	{ LSN_PATH, "socket:[", 1, 1 },
	{ LSN_ABS, "socket:[", 1, 0 },
};

/* epoll 10's targets as registered. */
static const struct {
	int fd;
	uint32_t events;
} targets[] = {
	{ EV_COUNT, EPOLLIN | EPOLLET },
	{ EV_SEM, EPOLLIN | EPOLLONESHOT },
	{ EV_ARMED, EPOLLIN | EPOLLONESHOT },
	{ EV_EXCL, EPOLLIN | EPOLLEXCLUSIVE },
	{ TICK, EPOLLIN | EPOLLWAKEUP },
	{ ABS_REAL, EPOLLIN | EPOLLET },
	{ ABS_MONO, EPOLLIN },
	{ REL, EPOLLIN | EPOLLONESHOT | EPOLLET },
	{ PIPE_R, EPOLLIN | EPOLLET },
	{ LSN_PATH, EPOLLIN | EPOLLET },
	{ LSN_ABS, EPOLLIN | EPOLLET },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static const char *dir;
static atomic_ullong sent;
static atomic_int writer_pause, writer_idle;
static atomic_ullong block_got;
/* Wake-ups through the pipe: the writer thread sends byte k as k mod
 * 256, the loop reads them in order. */
static atomic_ullong pipe_sent;
static uint64_t pipe_got, pipe_bad;
/* Between DIR/arm and DIR/verify the loop neither reads the pipe nor
 * accepts nor reads requests: the freeze finds them queued. The held
 * targets are edge-triggered, so holding does not spin. */
static int hold;
/* The accepted connections, at CONN0 + i: the next request's number and
 * a partly read one. */
static struct {
	uint64_t next;
	uint8_t buf[8];
	size_t len;
} conn[MAXCONN];
static int nconn;
static uint64_t req_bad, answers;
static pid_t client_pid;
/* The tick's mask as the kernel kept it at the start: without
 * CAP_BLOCK_SUSPEND, epoll_ctl drops EPOLLWAKEUP. */
static uint32_t tick_events;
static uint64_t got, ticks, tick_start, abs_real_ticks, abs_real_at, real_due,
		abs_mono_ticks, mono_due, rel_ticks, sem_seen, armed_seen,
		excl_seen, bad_events;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t ms_of(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void nap(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static int exists(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static FILE *create(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "w");
}

static void gone(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* fd moved to number at with FD_CLOEXEC or not. */
static void place(int fd, int at, int cloexec)
{
	if (fd < 0 || dup3(fd, at, cloexec ? O_CLOEXEC : 0) != at)
		die("dup3");
	close(fd);
}

static void add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e))
		die("epoll_ctl");
}

static uint64_t take(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, 8) != 8)
		return 0;
	return v;
}

static void put(int fd, uint64_t v)
{
	if (write(fd, &v, 8) != 8)
		die("write");
}

static void *writer(void *arg)
{
	uint8_t b;

	(void)arg;
	for (;;) {
		if (writer_pause) {
			writer_idle = 1;
			nap(5);
			continue;
		}
		writer_idle = 0;
		sent++;
		put(EV_COUNT, 1);
		b = (uint8_t)pipe_sent;
		if (write(PIPE_W, &b, 1) == 1)
			pipe_sent++;
		nap(20);
	}
	return NULL;
}

static void *blocked_reader(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t v;

		if (read(EV_BLOCK, &v, 8) == 8)
			block_got += v;
	}
	return NULL;
}

static void arm_at(int fd, int flags, uint64_t value_ms, uint64_t interval_ms)
{
	struct itimerspec t = {
		{ interval_ms / 1000, interval_ms % 1000 * 1000000 },
		{ value_ms / 1000, value_ms % 1000 * 1000000 },
	};

	if (timerfd_settime(fd, flags, &t, NULL))
		die("timerfd_settime");
}

static void queue_usr2(void)
{
	union sigval v = { .sival_int = 77 };

	if (sigqueue(getpid(), SIGUSR2, v))
		die("sigqueue");
}

static void rearm(int fd, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.u64 = D(fd) };

	if (epoll_ctl(EP, EPOLL_CTL_MOD, fd, &e))
		die("epoll_ctl");
}

static void round_of(int ms);

/* Bytes queued to read on fd. */
static int queued(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* The connections the client made, as DIR/client says (-1: unknown). */
static int client_made(void)
{
	char path[512];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/client", dir);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "made=%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static void touch(const char *name)
{
	FILE *f = create(name);

	if (!f)
		die(name);
	fclose(f);
}

/* Holds the pipe and the sockets, asks the client for one more
 * connection, and waits (the loop going on) until a connection is queued
 * on a listener, requests wait on an accepted one and wake-ups in the
 * pipe. */
static void hold_queues(int *conns, int *reqs, int *bytes)
{
	hold = 1;
	touch("connect");
	for (int t = 0; t < 300; t++) {
		*conns = client_made() - nconn;
		*bytes = queued(PIPE_R);
		*reqs = 0;
		for (int i = 0; i < nconn; i++)
			if (queued(CONN0 + i) > *reqs)
				*reqs = queued(CONN0 + i);
		if (*conns > 0 && *reqs >= 8 && *bytes >= 5)
			return;
		round_of(50);
	}
}

static void arm(void)
{
	int conns, reqs, bytes;
	FILE *f;

	gone("arm");
	gone("abs-mono");
	abs_real_ticks = abs_mono_ticks = rel_ticks = 0;
	rearm(REL, EPOLLIN | EPOLLONESHOT | EPOLLET);
	real_due = ms_of(CLOCK_REALTIME) + 5000;
	mono_due = ms_of(CLOCK_MONOTONIC) + 90000;
	arm_at(ABS_REAL, TFD_TIMER_ABSTIME, real_due, 0);
	arm_at(ABS_MONO, TFD_TIMER_ABSTIME, mono_due, 0);
	arm_at(REL, 0, 5000, 0);
	queue_usr2();
	hold_queues(&conns, &reqs, &bytes);
	f = create("armed");
	if (!f)
		die("armed");
	fprintf(f, "real_due=%llu mono_due=%llu conns_queued=%d req_bytes_held=%d pipe_bytes_held=%d\n",
		(unsigned long long)real_due, (unsigned long long)mono_due,
		conns, reqs, bytes);
	fclose(f);
}

static void drain_pipe(void)
{
	uint8_t b[256];
	ssize_t n;

	while ((n = read(PIPE_R, b, sizeof(b))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (b[i] != (uint8_t)pipe_got++)
				pipe_bad++;
}

/* Reads connection i's requests, each answered at once with its number. */
static void serve(int i)
{
	int fd = CONN0 + i;
	uint64_t v;
	ssize_t n;

	while ((n = read(fd, conn[i].buf + conn[i].len, 8 - conn[i].len)) > 0) {
		conn[i].len += n;
		if (conn[i].len < 8)
			continue;
		conn[i].len = 0;
		memcpy(&v, conn[i].buf, 8);
		if (v != REQ(conn[i].next))
			req_bad++;
		conn[i].next++;
		v = ANS(SEQ(v));
		if (write(fd, &v, 8) != 8)
			req_bad++;
		answers++;
	}
}

static void accept_all(int lfd)
{
	uint64_t hello = HELLO;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if (nconn == MAXCONN)
			die("accept: too many connections");
		place(fd, CONN0 + nconn, 1);
		add(EP, CONN0 + nconn, EPOLLIN | EPOLLET, D(CONN0 + nconn));
		if (write(CONN0 + nconn, &hello, 8) != 8)
			die("hello");
		nconn++;
	}
}

/* The connection a data word names, or -1. */
static int conn_of(uint64_t data)
{
	for (int i = 0; i < nconn; i++)
		if (data == D(CONN0 + i))
			return i;
	return -1;
}

static void dispatch(uint64_t data)
{
	uint64_t v;
	FILE *f;

	if (data == D(EV_COUNT)) {
		while ((v = take(EV_COUNT)))
			got += v;
	} else if (data == D(EV_SEM)) {
		sem_seen++;
		take(EV_SEM);
	} else if (data == D(EV_ARMED)) {
		armed_seen++;
		take(EV_ARMED);
	} else if (data == D(EV_EXCL)) {
		excl_seen++;
		take(EV_EXCL);
	} else if (data == D(TICK)) {
		ticks += take(TICK);
	} else if (data == D(ABS_REAL)) {
		abs_real_ticks += take(ABS_REAL);
		abs_real_at = ms_of(CLOCK_REALTIME);
	} else if (data == D(ABS_MONO)) {
		abs_mono_ticks += take(ABS_MONO);
		f = create("abs-mono");
		if (f) {
			fprintf(f, "due=%llu at=%llu ticks=%llu\n",
				(unsigned long long)mono_due,
				(unsigned long long)ms_of(CLOCK_MONOTONIC),
				(unsigned long long)abs_mono_ticks);
			fclose(f);
		}
	} else if (data == D(REL)) {
		rel_ticks += take(REL);
	} else if (data == D(PIPE_R)) {
		if (!hold)
			drain_pipe();
	} else if (data == D(LSN_PATH) || data == D(LSN_ABS)) {
		if (!hold)
			accept_all(data == D(LSN_PATH) ? LSN_PATH : LSN_ABS);
	} else if (conn_of(data) >= 0) {
		if (!hold)
			serve(conn_of(data));
	} else {
		bad_events++;
	}
}

/* One round of the loop: up to ms for events. */
static void round_of(int ms)
{
	struct epoll_event ev[16];
	int n = epoll_wait(EP, ev, 16, ms);

	for (int i = 0; i < n; i++)
		dispatch(ev[i].data.u64);
}

/* Both fds name one file (the two ends of one pipe). */
static int same_file(int a, int b)
{
	char pa[64], pb[64], la[64], lb[64];
	ssize_t na, nb;

	snprintf(pa, sizeof(pa), "/proc/self/fd/%d", a);
	snprintf(pb, sizeof(pb), "/proc/self/fd/%d", b);
	na = readlink(pa, la, sizeof(la));
	nb = readlink(pb, lb, sizeof(lb));
	return na > 0 && na == nb && !memcmp(la, lb, na);
}

static int fds_kept(void)
{
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		char path[64], link[64];
		ssize_t n;
		int fl = fcntl(fds[i].fd, F_GETFL), fd = fcntl(fds[i].fd, F_GETFD);

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i].fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0 || fl < 0 || fd < 0)
			return 0;
		link[n] = '\0';
		if (strncmp(link, fds[i].link, strlen(fds[i].link)) ||
		    !!(fl & O_NONBLOCK) != fds[i].nonblock ||
		    !!(fd & FD_CLOEXEC) != fds[i].cloexec)
			return 0;
	}
	return same_file(PIPE_R, PIPE_W);
}

/* epoll 10's fdinfo lists every target once with its mask as epoll_ctl
 * keeps it (EPOLLERR and EPOLLHUP added), except the one-shots that fired:
 * 12 before the checkpoint, none of its bits but the flags left (after
 * a restore it may come back with EPOLLERR|EPOLLHUP, which epoll_ctl adds
 * to any registration), 19 after the restore. */
static int masks_kept(char *why, size_t len)
{
	char path[64], line[256];
	int seen[NTARGETS] = { 0 }, conns_seen[MAXCONN] = { 0 }, ok = 1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", EP);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long data;
		unsigned int events, want;
		size_t k;
		int tfd;

		if (sscanf(line, "tfd: %d events: %x data: %llx", &tfd, &events, &data) != 3)
			continue;
		for (k = 0; k < NTARGETS && targets[k].fd != tfd; k++)
			;
		if (k == NTARGETS && tfd >= CONN0 && tfd < CONN0 + nconn) {
			conns_seen[tfd - CONN0]++;
			if (events != (EPOLLIN | EPOLLET | EPOLLERR | EPOLLHUP) ||
			    data != D(tfd)) {
				snprintf(why, len, "tfd%d=%x/%llx", tfd, events, data);
				ok = 0;
			}
			continue;
		}
		if (k == NTARGETS) {
			snprintf(why, len, "tfd=%d", tfd);
			ok = 0;
			continue;
		}
		seen[k]++;
		want = targets[k].events | EPOLLERR | EPOLLHUP;
		if (tfd == TICK)
			want = tick_events;
		if (tfd == REL && rel_ticks)
			want = EPOLLONESHOT | EPOLLET;
		if (tfd == EV_SEM && events == (EPOLLONESHOT | EPOLLERR | EPOLLHUP))
			want = events;
		else if (tfd == EV_SEM)
			want = EPOLLONESHOT;
		if (events != want || data != D(tfd)) {
			snprintf(why, len, "tfd%d=%x/%llx", tfd, events, data);
			ok = 0;
		}
	}
	fclose(f);
	for (size_t k = 0; k < NTARGETS; k++)
		if (seen[k] != 1) {
			snprintf(why, len, "tfd%d-seen=%d", targets[k].fd, seen[k]);
			ok = 0;
		}
	for (int i = 0; i < nconn; i++)
		if (conns_seen[i] != 1) {
			snprintf(why, len, "conn%d-seen=%d", i, conns_seen[i]);
			ok = 0;
		}
	return ok;
}

/* The mask epoll 10's fdinfo shows for target fd. */
static uint32_t events_of(int fd)
{
	char path[64], line[256];
	unsigned int events, found = 0;
	int tfd;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", EP);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "tfd: %d events: %x", &tfd, &events) == 2 &&
		    tfd == fd)
			found = events;
	if (f)
		fclose(f);
	return found;
}

/* An eventfd's counter as fdinfo shows it (hex). */
static long long count_of(int fd)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* The one event an idle epoll reports at once, its data word (0: none or
 * more). */
static uint64_t only_event(int ep)
{
	struct epoll_event ev[4];

	return epoll_wait(ep, ev, 4, 0) == 1 ? ev[0].data.u64 : 0;
}

static socklen_t path_addr(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/sock", dir);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static socklen_t abs_addr(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, ABS_NAME, strlen(ABS_NAME));
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABS_NAME);
}

/* fd listens, bound to the name a (of len bytes). */
static int listens_at(int fd, const struct sockaddr_un *a, socklen_t len)
{
	struct sockaddr_un b;
	socklen_t bl = sizeof(b), ol = sizeof(int);
	int on = 0;

	return !getsockname(fd, (struct sockaddr *)&b, &bl) && bl == len &&
	       !memcmp(&b, a, len) &&
	       !getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &ol) && on;
}

static int names_kept(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a);

	if (!listens_at(LSN_PATH, &a, len))
		return 0;
	len = abs_addr(&a);
	return listens_at(LSN_ABS, &a, len);
}

/* The held queues let go: each queued connection accepted, each request
 * answered; the client (DIR/cverify) checks it got one answer per
 * request, in order, on every connection, the loop serving meanwhile.
 * 1 if all is well. */
static int requests_answered(int *client_conns, char *said, size_t len)
{
	unsigned long long bad = 1, answered = 0;
	uint64_t start = ms_of(CLOCK_MONOTONIC), end = start + 30000;
	int ok = 0;
	char path[512];
	FILE *f;

	hold = 0;
	accept_all(LSN_PATH);
	accept_all(LSN_ABS);
	for (int i = 0; i < nconn; i++)
		serve(i);
	gone("cresult");
	touch("cverify");
	while (!exists("cresult") && ms_of(CLOCK_MONOTONIC) < end)
		round_of(50);
	snprintf(path, sizeof(path), "%s/cresult", dir);
	f = fopen(path, "r");
	*client_conns = -1;
	if (f) {
		if (fscanf(f, "ok=%d conns=%d bad=%llu answered=%llu", &ok,
			   client_conns, &bad, &answered) != 4)
			ok = 0;
		fclose(f);
	}
	snprintf(said, len, "client_ok=%d client_bad=%llu client_answered=%llu client_ms=%llu",
		 ok, bad, answered,
		 (unsigned long long)(ms_of(CLOCK_MONOTONIC) - start));
	return ok == 1 && !bad && *client_conns == nconn && !req_bad &&
	       answered <= answers;
}

static void verify(void)
{
	int fds_ok, masks, count, sem, oneshot, armed, excl, tick, abs_real,
	    rel, sig = 0, nested, block, pipe_ok, pipe_held, unix_ok, names,
	    client_conns;
	uint64_t now, expect, left;
	struct signalfd_siginfo si;
	char why[64] = "-", said[128];
	FILE *f;

	fds_ok = fds_kept();
	masks = masks_kept(why, sizeof(why));
	names = names_kept();
	pipe_held = queued(PIPE_R);
	unix_ok = requests_answered(&client_conns, said, sizeof(said));
	/* The counter: the writer stopped, all it added read. */
	writer_pause = 1;
	while (!writer_idle)
		nap(5);
	while ((left = take(EV_COUNT)))
		got += left;
	count = got == sent;
	drain_pipe();
	pipe_ok = pipe_got == pipe_sent && !pipe_bad;
	/* Semaphore: 3 made, 1 taken at the start. */
	sem = count_of(EV_SEM) == 2 && take(EV_SEM) == 1 && count_of(EV_SEM) == 1;
	put(EV_SEM, 1);
	oneshot = sem_seen == 1;
	/* Armed one-shot: reported once for two writes. */
	put(EV_ARMED, 1);
	for (int i = 0; i < 10 && !armed_seen; i++)
		round_of(100);
	put(EV_ARMED, 1);
	round_of(200);
	armed = armed_seen == 1;
	excl = excl_seen;
	put(EV_EXCL, 1);
	for (int i = 0; i < 10 && excl_seen == (uint64_t)excl; i++)
		round_of(100);
	excl = excl_seen == (uint64_t)excl + 1;
	/* The ticks since arming, within 2 of the periods elapsed. */
	ticks += take(TICK);
	now = ms_of(CLOCK_MONOTONIC);
	expect = (now - tick_start) / TICK_MS;
	tick = ticks + 2 >= expect && ticks <= expect + 2;
	abs_real = abs_real_ticks == 1 && abs_real_at >= real_due;
	rel = rel_ticks == 1;
	nested = only_event(EP_OUTER) == D_INNER && only_event(EP_INNER) == D_SIG;
	if (read(SFD, &si, sizeof(si)) == sizeof(si))
		sig = si.ssi_signo == SIGUSR2 && si.ssi_int == 77;
	queue_usr2();
	left = block_got;
	put(EV_BLOCK, 7);
	for (int i = 0; i < 50 && block_got == left; i++)
		nap(20);
	block = block_got == left + 7;
	f = create("result");
	if (f) {
		fprintf(f, "pid=%d fds=%d masks=%d count=%d sem=%d oneshot=%d armed=%d excl=%d tick=%d abs_real=%d rel=%d sig=%d nested=%d block=%d events=%d wakeup=%d pipe=%d unix=%d names=%d client=%d conns=%d client_saw=%d pipe_held=%d wakeups=%llu wakeups_bad=%llu answers=%llu req_bad=%llu %s mono=%llu sent=%llu got=%llu ticks=%llu expect=%llu why=%s\n",
			getpid(), fds_ok, masks, count, sem, oneshot, armed, excl,
			tick, abs_real, rel, sig, nested, block, !bad_events,
			!!(tick_events & EPOLLWAKEUP), pipe_ok, unix_ok, names,
			client_pid, nconn, client_conns, pipe_held,
			(unsigned long long)pipe_got, (unsigned long long)pipe_bad,
			(unsigned long long)answers, (unsigned long long)req_bad, said,
			(unsigned long long)now,
			(unsigned long long)sent, (unsigned long long)got,
			(unsigned long long)ticks, (unsigned long long)expect, why);
		fclose(f);
	}
	/* The armed one-shot armed again for the next time. */
	take(EV_ARMED);
	rearm(EV_ARMED, EPOLLIN | EPOLLONESHOT);
	armed_seen = 0;
	writer_pause = 0;
	gone("verify");
}

static int listener(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)a, len) || listen(fd, 8))
		die("listener");
	return fd;
}

static void setup(void)
{
	struct sockaddr_un a;
	socklen_t len;
	sigset_t mask;
	int p[2];

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGRTMIN + 3);
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL))
		die("sigmask");
	place(epoll_create1(0), EP, 1);
	place(eventfd(0, EFD_NONBLOCK), EV_COUNT, 1);
	place(eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE), EV_SEM, 0);
	place(eventfd(0, EFD_NONBLOCK), EV_ARMED, 1);
	place(eventfd(0, EFD_NONBLOCK), EV_EXCL, 0);
	place(eventfd(0, 0), EV_BLOCK, 1);
	place(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), TICK, 1);
	place(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK), ABS_REAL, 0);
	place(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), ABS_MONO, 0);
	place(timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK), REL, 1);
	place(signalfd(-1, &mask, SFD_NONBLOCK), SFD, 1);
	place(epoll_create1(0), EP_INNER, 0);
	place(epoll_create1(0), EP_OUTER, 1);
	if (pipe2(p, O_NONBLOCK))
		die("pipe2");
	place(p[0], PIPE_R, 1);
	place(p[1], PIPE_W, 0);
	len = path_addr(&a);
	unlink(a.sun_path);
	place(listener(&a, len), LSN_PATH, 1);
	len = abs_addr(&a);
	place(listener(&a, len), LSN_ABS, 0);
	for (size_t k = 0; k < NTARGETS; k++)
		add(EP, targets[k].fd, targets[k].events, D(targets[k].fd));
	tick_events = events_of(TICK);
	add(EP_INNER, SFD, EPOLLIN, D_SIG);
	add(EP_OUTER, EP_INNER, EPOLLIN, D_INNER);
	tick_start = ms_of(CLOCK_MONOTONIC);
	arm_at(TICK, 0, TICK_MS, TICK_MS);
}

static __attribute__((noreturn)) void many(int n)
{
	struct rlimit r = { n + 200, n + 200 };
	FILE *f;

	if (setrlimit(RLIMIT_NOFILE, &r))
		die("setrlimit");
	for (int i = 0; i < n; i++)
		place(eventfd(0, EFD_NONBLOCK | (i % 2 ? EFD_SEMAPHORE : 0)), 100 + i, 0);
	for (int i = 0; i < n; i++)
		put(100 + i, (uint64_t)i + 1);
	f = create("many-info");
	if (!f)
		die("many-info");
	fprintf(f, "pid=%d\n", getpid());
	fclose(f);
	for (;;) {
		int ok = 1;

		nap(100);
		if (!exists("many-verify"))
			continue;
		for (int i = 0; i < n; i++) {
			uint64_t v = take(100 + i);

			ok &= v == (i % 2 ? 1 : (uint64_t)i + 1);
			put(100 + i, v);
			ok &= count_of(100 + i) == i + 1;
		}
		f = create("many-result");
		if (f) {
			fprintf(f, "ok=%d n=%d\n", ok, n);
			fclose(f);
		}
		gone("many-verify");
	}
}

/* The client's side of a connection: greeted once accepted, then
 * requests sent and answers expected, numbered from 0. */
struct cconn {
	int fd, greeted;
	uint64_t req, ans;
	uint8_t buf[8];
	size_t len;
};

static uint64_t client_bad;

/* DIR/name holds text, whole when it appears (the loop reads it). */
static void publish(const char *name, const char *text)
{
	char tmp[512], path[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, path))
		die(name);
}

/* Connection i, to the listener on a path (even i) or abstract (odd). */
static void client_connect(struct cconn *c, int i)
{
	struct sockaddr_un a;
	socklen_t len = i % 2 ? abs_addr(&a) : path_addr(&a);
	char made[32];

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, len))
		die("connect");
	snprintf(made, sizeof(made), "made=%d\n", i + 1);
	publish("client", made);
}

/* Reads what came (the greeting, answers), then sends one request if the
 * window allows: no request before the greeting (the connection is
 * accepted), none beyond WINDOW unanswered. */
static void client_step(struct cconn *c)
{
	uint64_t v;
	ssize_t n;

	while ((n = read(c->fd, c->buf + c->len, 8 - c->len)) > 0) {
		c->len += n;
		if (c->len < 8)
			continue;
		c->len = 0;
		memcpy(&v, c->buf, 8);
		if (!c->greeted) {
			c->greeted = 1;
			client_bad += v != HELLO;
			continue;
		}
		client_bad += v != ANS(c->ans);
		c->ans++;
	}
	v = REQ(c->req);
	if (c->greeted && c->req - c->ans < WINDOW && write(c->fd, &v, 8) == 8)
		c->req++;
}

/* Every connection greeted and every request sent so far answered,
 * within 20 s: DIR/cresult "ok=1 conns=N bad=0 answered=A". */
static void client_verify(struct cconn *c, int n)
{
	uint64_t want[MAXCONN], answered = 0;
	uint64_t end = ms_of(CLOCK_MONOTONIC) + 20000;
	char result[128];
	int ok = 0;

	for (int i = 0; i < n; i++)
		want[i] = c[i].req;
	while (!ok && ms_of(CLOCK_MONOTONIC) < end) {
		nap(20);
		ok = 1;
		for (int i = 0; i < n; i++) {
			client_step(&c[i]);
			ok &= c[i].greeted && c[i].ans >= want[i];
		}
	}
	for (int i = 0; i < n; i++)
		answered += c[i].ans;
	snprintf(result, sizeof(result), "ok=%d conns=%d bad=%llu answered=%llu\n",
		 ok, n, (unsigned long long)client_bad,
		 (unsigned long long)answered);
	gone("cverify");
	publish("cresult", result);
}

/* The client process: two connections (path, abstract), one more each
 * time DIR/connect appears, a request on each every 50 ms. */
static __attribute__((noreturn)) void client(void)
{
	struct cconn c[MAXCONN];
	int n = 0;

	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	while (n < 2) {
		client_connect(&c[n], n);
		n++;
	}
	for (;;) {
		nap(50);
		if (exists("connect")) {
			if (n < MAXCONN) {
				client_connect(&c[n], n);
				n++;
			}
			gone("connect");
		}
		for (int i = 0; i < n; i++)
			client_step(&c[i]);
		if (exists("cverify"))
			client_verify(c, n);
	}
}

int main(int argc, char **argv)
{
	pthread_t t;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "--many")) {
		dir = argv[3];
		many(atoi(argv[2]));
	}
	if (argc != 2) {
		fprintf(stderr, "usage: cr-evloop DIR | cr-evloop --many N DIR\n");
		return 2;
	}
	dir = argv[1];
	setup();
	client_pid = fork();
	if (client_pid < 0)
		die("fork");
	if (!client_pid)
		client();
	if (pthread_create(&t, NULL, writer, NULL) ||
	    pthread_create(&t, NULL, blocked_reader, NULL))
		die("pthread_create");
	f = create("info");
	if (!f)
		die("info");
	fprintf(f, "pid=%d client=%d\n", getpid(), client_pid);
	fclose(f);
	for (;;) {
		round_of(50);
		if (exists("arm"))
			arm();
		if (exists("verify"))
			verify();
	}
}
