/*
 * cr-sysv-lose DIR a|b|share|take ID: processes whose System V objects
 * restore may fail to make, or cannot carry (cr-shm).
 *   a     makes a semaphore set (key 0x51520006) and operates on it (its
 *         last user), and a segment (key 0x51520007) it attaches; writes
 *         DIR/a.info "pid=P sem=ID shm=ID".
 *   b     makes a segment (key 0x51520008), attaches it and writes a
 *         pattern; writes DIR/b.info "pid=P shm=ID". On DIR/b/verify it
 *         writes DIR/b/result "pid=P shm=1" if the pattern and the id are
 *         still there and a word written now reads back.
 *   share forks with clone(CLONE_SYSVSEM): parent and child share one
 *         list of SEM_UNDO adjustments, which the child then adds to;
 *         writes DIR/share.info "pid=P child=C".
 *   take  makes a semaphore set with id ID (through sem_next_id), which
 *         then stays: restore cannot make another with that id.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <signal.h>

#define KEY_SEM 0x51520006
#define KEY_SHM_A 0x51520007
#define KEY_SHM_B 0x51520008
#define WORDS 512

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static volatile uint64_t *segment(int key, int *id)
{
	void *p;

	*id = shmget(key, WORDS * 8, IPC_CREAT | IPC_EXCL | 0600);
	p = *id < 0 ? (void *)-1 : shmat(*id, NULL, 0);
	if (p == (void *)-1)
		die("shm");
	return p;
}

static void info(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.info", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path);
}

static int take(const char *id)
{
	FILE *f = fopen("/proc/sys/kernel/sem_next_id", "w");
	int got;

	if (!f || fputs(id, f) < 0 || fclose(f))
		die("sem_next_id");
	got = semget(IPC_PRIVATE, 1, 0600);
	printf("%d\n", got);
	return got == atoi(id) ? 0 : 1;
}

static void run_a(const char *dir)
{
	struct sembuf up = { 0, 1, 0 };
	int sem, shm;
	char text[128];

	segment(KEY_SHM_A, &shm)[0] = 0xa;
	sem = semget(KEY_SEM, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (sem < 0 || semop(sem, &up, 1))
		die("sem");
	snprintf(text, sizeof(text), "pid=%d sem=%d shm=%d\n", getpid(), sem, shm);
	info(dir, "a", text);
	for (;;)
		pause();
}

static void run_b(const char *dir)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	char path[512], text[128];
	int shm, ok;
	volatile uint64_t *w = segment(KEY_SHM_B, &shm);
	FILE *f;

	for (int i = 0; i < WORDS; i++)
		w[i] = 0xb000 + i;
	snprintf(text, sizeof(text), "pid=%d shm=%d\n", getpid(), shm);
	info(dir, "b", text);
	for (uint64_t n = 1;; nanosleep(&nap, NULL)) {
		snprintf(path, sizeof(path), "%s/b/verify", dir);
		if (access(path, F_OK))
			continue;
		ok = shmget(KEY_SHM_B, 0, 0) == shm;
		for (int i = 1; i < WORDS; i++)
			ok &= w[i] == (uint64_t)0xb000 + i;
		w[0] = ++n;
		ok &= w[0] == n;
		snprintf(path, sizeof(path), "%s/b/result", dir);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "pid=%d shm=%d\n", getpid(), ok);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/b/verify", dir);
		unlink(path);
	}
}

static void run_share(const char *dir)
{
	struct sembuf down = { 0, -1, SEM_UNDO };
	int sem = semget(IPC_PRIVATE, 1, 0600);
	char text[128];
	long child;

	if (sem < 0 || semctl(sem, 0, SETVAL, 5))
		die("sem");
	/* A fork whose undo list stays the parent's. */
	child = syscall(SYS_clone, CLONE_SYSVSEM | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		die("clone");
	if (!child) {
		if (semop(sem, &down, 1))
			_exit(1);
		for (;;)
			pause();
	}
	snprintf(text, sizeof(text), "pid=%d child=%ld\n", getpid(), child);
	info(dir, "share", text);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[2], "take"))
		return take(argv[3]);
	if (argc == 3 && !strcmp(argv[2], "a"))
		run_a(argv[1]);
	if (argc == 3 && !strcmp(argv[2], "b"))
		run_b(argv[1]);
	if (argc == 3 && !strcmp(argv[2], "share"))
		run_share(argv[1]);
	fprintf(stderr, "usage: cr-sysv-lose DIR a|b|share|take ID\n");
	return 2;
}
