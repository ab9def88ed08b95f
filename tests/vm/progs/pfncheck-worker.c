// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for the pfncheck scenarios.
 *
 *   pfncheck-worker run DIR NTHREADS MIB SLEEP_S
 *	Starts a monitor process that forks the worker and then watches it
 *	with waitpid(WNOHANG | WUNTRACED | WCONTINUED), counting every event
 *	(a frozen worker must cause none). The worker forks a child that
 *	sleeps forever, fills MIB MiB of anonymous memory with pseudo-random
 *	data and records its checksum, then runs NTHREADS counter threads, a
 *	thread looping on one nanosleep(SLEEP_S) after another, a thread
 *	blocked reading the FIFO DIR/fifo and a thread in waitpid() for the
 *	child. Everything observable lives in DIR/state (a shared mapping).
 *	The worker's PID goes to DIR/pid, the child's to DIR/child.
 *	With PFW_SPAWN=1 in the environment, one more thread creates and
 *	joins short-lived threads without end (counted in "spawned").
 *   pfncheck-worker status DIR	prints the state as KEY=VALUE lines
 *   pfncheck-worker verify DIR	asks the worker to recompute the checksum;
 *				exit 0 if it equals the one recorded at start
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNTERS 64

struct state {
	uint64_t ready;
	int64_t worker_pid, child_pid;
	uint64_t nthreads;
	uint64_t counter[MAX_COUNTERS];
	/* the sleeper */
	uint64_t sleep_ms, sleep_rounds, sleep_bad;
	uint64_t sleep_cur;			/* CLOCK_MONOTONIC ms: round began */
	uint64_t sleep_start, sleep_end;	/* CLOCK_MONOTONIC ms, last round */
	int64_t sleep_ret, sleep_errno;
	/* the pipe reader */
	uint64_t reads;
	int64_t read_ret, read_errno;
	char read_data[64];
	/* the waiter */
	uint64_t wait_done;
	int64_t wait_ret, wait_status, wait_errno;
	/* memory */
	uint64_t mib, sum_expected, sum_now, verify_req, verify_done;
	uint64_t data_addr;
	/* the monitor (the worker's parent) */
	uint64_t parent_events, worker_gone;
	uint64_t spawned;
	int64_t parent_last_status;
};

static struct state *st;
static uint64_t *data;
static size_t data_words;
static char fifo_path[4096];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t checksum(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < data_words; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h;
}

static void *counter_thread(void *arg)
{
	volatile uint64_t *c = &st->counter[(uintptr_t)arg];

	for (;;)
		__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
	return NULL;
}

/* One nanosleep() per round, never retried: an early return or an EINTR is
 * a failure the state shows. */
static void *sleeper_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec req = { .tv_sec = st->sleep_ms / 1000 };
		uint64_t t0 = now_ms(), t1;
		int r;

		st->sleep_cur = t0;
		r = nanosleep(&req, NULL);
		t1 = now_ms();
		st->sleep_ret = r;
		st->sleep_errno = r ? errno : 0;
		st->sleep_start = t0;
		st->sleep_end = t1;
		if (r || t1 - t0 < st->sleep_ms)
			st->sleep_bad++;
		st->sleep_rounds++;
	}
	return NULL;
}

static void *reader_thread(void *arg)
{
	int fd = open(fifo_path, O_RDWR);

	(void)arg;
	if (fd < 0)
		die("open fifo");
	for (;;) {
		char buf[sizeof(st->read_data)];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		st->read_ret = n;
		st->read_errno = n < 0 ? errno : 0;
		if (n > 0) {
			while (n > 0 && buf[n - 1] == '\n')
				n--;
			buf[n] = 0;
			memcpy(st->read_data, buf, sizeof(buf));
		}
		st->reads++;
	}
	return NULL;
}

static void *waiter_thread(void *arg)
{
	int status = 0;
	pid_t r = waitpid((pid_t)(intptr_t)arg, &status, 0);

	st->wait_ret = r;
	st->wait_errno = r < 0 ? errno : 0;
	st->wait_status = status;
	st->wait_done = 1;
	return NULL;
}

static void *spawned_thread(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&st->spawned, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg);

static void *spawner_thread(void *arg)
{
	pthread_t t;

	(void)arg;
	for (;;) {
		start(&t, spawned_thread, NULL);
		pthread_join(t, NULL);
	}
	return NULL;
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(t, NULL, fn, arg);

	if (e) {
		errno = e;
		die("pthread_create");
	}
}

static void write_pid(const char *dir, const char *name, pid_t pid)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "%d\n", pid);
	fclose(f);
}

static void worker(const char *dir, unsigned int n, uint64_t mib)
{
	pthread_t t;
	pid_t child;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	/* The child first: the data below stays exclusive to the worker. */
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	st->child_pid = child;
	write_pid(dir, "child", child);

	data_words = mib * 1024 * 1024 / 8;
	if (data_words) {
		data = mmap(NULL, data_words * 8, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (data == MAP_FAILED)
			die("mmap data");
		for (i = 0; i < data_words; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			data[i] = x;
		}
	}
	st->data_addr = (uintptr_t)data;
	st->sum_expected = checksum();

	for (i = 0; i < n; i++)
		start(&t, counter_thread, (void *)(uintptr_t)i);
	start(&t, sleeper_thread, NULL);
	start(&t, reader_thread, NULL);
	start(&t, waiter_thread, (void *)(intptr_t)child);
	if (getenv("PFW_SPAWN"))
		start(&t, spawner_thread, NULL);
	st->ready = 1;

	for (;;) {
		uint64_t req = __atomic_load_n(&st->verify_req, __ATOMIC_ACQUIRE);

		if (req != st->verify_done) {
			st->sum_now = checksum();
			__atomic_store_n(&st->verify_done, req, __ATOMIC_RELEASE);
		}
		usleep(50000);
	}
}

static struct state *map_state(const char *dir, int create)
{
	char path[4096];
	struct state *s;
	int fd;

	snprintf(path, sizeof(path), "%s/state", dir);
	fd = open(path, create ? O_RDWR | O_CREAT | O_TRUNC : O_RDWR, 0600);
	if (fd < 0)
		die(path);
	if (create && ftruncate(fd, sizeof(*s)))
		die("ftruncate");
	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		die("mmap state");
	close(fd);
	return s;
}

static int run(const char *dir, unsigned int n, uint64_t mib, uint64_t sleep_s)
{
	pid_t pid;

	if (n > MAX_COUNTERS) {
		fprintf(stderr, "pfncheck-worker: at most %d threads\n",
			MAX_COUNTERS);
		return 2;
	}
	st = map_state(dir, 1);
	st->nthreads = n;
	st->mib = mib;
	st->sleep_ms = sleep_s * 1000;
	snprintf(fifo_path, sizeof(fifo_path), "%s/fifo", dir);
	unlink(fifo_path);
	if (mkfifo(fifo_path, 0600))
		die("mkfifo");

	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		st->worker_pid = getpid();
		worker(dir, n, mib);
		_exit(0);
	}
	write_pid(dir, "pid", pid);

	/* The monitor: the worker's parent, watching for stops and exits. */
	for (;;) {
		int status;
		pid_t r = waitpid(pid, &status,
				  WNOHANG | WUNTRACED | WCONTINUED);

		if (r == pid) {
			st->parent_events++;
			st->parent_last_status = status;
			if (WIFEXITED(status) || WIFSIGNALED(status)) {
				st->worker_gone = 1;
				return 0;
			}
		} else if (r < 0) {
			die("waitpid");
		}
		usleep(20000);
	}
}

static void status(const char *dir)
{
	uint64_t total = 0;
	unsigned int i;

	st = map_state(dir, 0);
	for (i = 0; i < st->nthreads && i < MAX_COUNTERS; i++)
		total += st->counter[i];
	printf("ready=%llu\n", (unsigned long long)st->ready);
	printf("worker=%lld\nchild=%lld\n", (long long)st->worker_pid,
	       (long long)st->child_pid);
	printf("counters=%llu\n", (unsigned long long)total);
	for (i = 0; i < st->nthreads && i < MAX_COUNTERS; i++)
		printf("counter%u=%llu\n", i,
		       (unsigned long long)st->counter[i]);
	printf("sleep_ms=%llu\nsleep_rounds=%llu\nsleep_bad=%llu\n",
	       (unsigned long long)st->sleep_ms,
	       (unsigned long long)st->sleep_rounds,
	       (unsigned long long)st->sleep_bad);
	printf("sleep_cur=%llu\nsleep_start=%llu\nsleep_end=%llu\n",
	       (unsigned long long)st->sleep_cur,
	       (unsigned long long)st->sleep_start,
	       (unsigned long long)st->sleep_end);
	printf("sleep_ret=%lld\nsleep_errno=%lld\n", (long long)st->sleep_ret,
	       (long long)st->sleep_errno);
	printf("reads=%llu\nread_ret=%lld\nread_errno=%lld\nread_data=%s\n",
	       (unsigned long long)st->reads, (long long)st->read_ret,
	       (long long)st->read_errno, st->read_data);
	printf("wait_done=%llu\nwait_ret=%lld\nwait_errno=%lld\n",
	       (unsigned long long)st->wait_done, (long long)st->wait_ret,
	       (long long)st->wait_errno);
	printf("wait_signal=%d\n", WIFSIGNALED((int)st->wait_status) ?
	       WTERMSIG((int)st->wait_status) : 0);
	printf("mib=%llu\ndata_addr=0x%llx\n", (unsigned long long)st->mib,
	       (unsigned long long)st->data_addr);
	printf("sum_expected=%llx\nsum_now=%llx\n",
	       (unsigned long long)st->sum_expected,
	       (unsigned long long)st->sum_now);
	printf("parent_events=%llu\nparent_last_status=0x%llx\nworker_gone=%llu\n",
	       (unsigned long long)st->parent_events,
	       (unsigned long long)st->parent_last_status,
	       (unsigned long long)st->worker_gone);
	printf("spawned=%llu\n", (unsigned long long)st->spawned);
	printf("now=%llu\n", (unsigned long long)now_ms());
}

static int verify(const char *dir)
{
	uint64_t req;
	int i;

	st = map_state(dir, 0);
	req = __atomic_add_fetch(&st->verify_req, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < 1200; i++) {
		if (__atomic_load_n(&st->verify_done, __ATOMIC_ACQUIRE) >= req) {
			if (st->sum_now == st->sum_expected) {
				printf("checksum ok: %llx\n",
				       (unsigned long long)st->sum_now);
				return 0;
			}
			printf("checksum BAD: %llx, expected %llx\n",
			       (unsigned long long)st->sum_now,
			       (unsigned long long)st->sum_expected);
			return 1;
		}
		usleep(50000);
	}
	printf("no answer from the worker\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "run"))
		return run(argv[2], strtoul(argv[3], NULL, 0),
			   strtoull(argv[4], NULL, 0),
			   strtoull(argv[5], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "status")) {
		status(argv[2]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "verify"))
		return verify(argv[2]);
	fprintf(stderr, "usage: pfncheck-worker run DIR NTHREADS MIB SLEEP_S | status DIR | verify DIR\n");
	return 2;
}
