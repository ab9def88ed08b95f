/*
 * cr-threads DIR: 8 threads for the multi-threaded checkpoint/restore test.
 * Six workers take a pthread mutex in turn and keep shared and thread-local
 * counters that must agree (invariants checked under the lock by every
 * worker, every round); one thread sleeps in sleep(1) rounds; one waits on
 * a bare futex (no timeout) until woken. The main thread polls DIR/verify:
 * when it appears, it wakes the futex waiter and writes DIR/result with the
 * PID, the TIDs each thread sees now, the counters and the invariant
 * failures. DIR/info holds the PID and TIDs at start.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 6
#define THREADS (WORKERS + 2)
#define SLEEPER WORKERS
#define WAITER (WORKERS + 1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long total, per[WORKERS], bad;
static _Thread_local unsigned long long mine;
static _Thread_local int my_index = -1;
static atomic_int tids[THREADS];
static atomic_ullong sleeps;
static atomic_uint futex_word, woken;
static atomic_int started;

static void note_tid(int i)
{
	atomic_store(&tids[i], (int)syscall(SYS_gettid));
}

static void *worker(void *arg)
{
	int i = (int)(long)arg;

	my_index = i;
	atomic_fetch_add(&started, 1);
	for (;;) {
		unsigned long long sum = 0;

		pthread_mutex_lock(&lock);
		note_tid(i);
		total++;
		per[i]++;
		mine++;
		for (int k = 0; k < WORKERS; k++)
			sum += per[k];
		/* TLS must still be this thread's own after restore. */
		if (sum != total || mine != per[i] || my_index != i)
			bad++;
		pthread_mutex_unlock(&lock);
		if (mine % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	atomic_fetch_add(&started, 1);
	for (;;) {
		note_tid(SLEEPER);
		sleep(1);	/* in nanosleep most of the time */
		atomic_fetch_add(&sleeps, 1);
	}
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	note_tid(WAITER);
	atomic_fetch_add(&started, 1);
	/* A bare futex wait with no timeout: woken only by main. */
	while (!atomic_load(&futex_word))
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	note_tid(WAITER);
	atomic_store(&woken, atomic_load(&futex_word));
	for (;;)
		pause();
	return NULL;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	f = fopen(tmp, "w");
	if (!f)
		exit(1);
	fputs(text, f);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
	rename(tmp, path);
}

static void tid_list(char *out, size_t len)
{
	size_t n = 0;

	for (int i = 0; i < THREADS; i++)
		n += snprintf(out + n, len - n, "%s%d", i ? "," : "",
			      atomic_load(&tids[i]));
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	char text[1024], list[256], path[4096];
	pthread_t t;

	if (argc != 2)
		return 2;
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t, NULL, worker, (void *)i);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, waiter, NULL);
	while (atomic_load(&started) < THREADS)
		nanosleep(&tick, NULL);
	nanosleep(&tick, NULL);
	tid_list(list, sizeof(list));
	snprintf(text, sizeof(text), "pid=%d tids=%s\n", getpid(), list);
	write_file(argv[1], "info", text);
	snprintf(path, sizeof(path), "%s/verify", argv[1]);
	for (;;) {
		unsigned long long tot, b;

		nanosleep(&tick, NULL);
		if (access(path, F_OK))
			continue;
		atomic_store(&futex_word, 7);
		syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		while (!atomic_load(&woken))
			nanosleep(&tick, NULL);
		/* Every worker has gone round again: their TIDs are fresh. */
		pthread_mutex_lock(&lock);
		tot = total;
		b = bad;
		pthread_mutex_unlock(&lock);
		nanosleep(&tick, NULL);
		tid_list(list, sizeof(list));
		snprintf(text, sizeof(text),
			 "pid=%d tids=%s total=%llu bad=%llu sleeps=%llu woken=%u\n",
			 getpid(), list, tot, b, atomic_load(&sleeps),
			 atomic_load(&woken));
		unlink(path);
		write_file(argv[1], "result", text);
	}
}
