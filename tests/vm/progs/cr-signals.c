/*
 * cr-signals DIR: signal and resource state for checkpoint/restore
 * scenarios. A SIGUSR1 handler (SA_SIGINFO, on a sigaltstack), SIGUSR2
 * blocked with one pending (sigqueue value 42, sent to itself), SIGTERM
 * ignored, ITIMER_REAL every 500 ms counted by a SIGALRM handler,
 * RLIMIT_NOFILE lowered to 77/99. A second thread (its TID in DIR/info
 * as "worker=T") blocks SIGRTMIN+1 and SIGURG and has both pending for
 * itself alone: SIGRTMIN+1 queued with value 7 (pthread_sigqueue,
 * SI_QUEUE), SIGURG by tgkill (SI_TKILL); it blocks every other signal,
 * which all go to the main thread. Holds no file open. When
 * DIR/verify appears it checks all of it and writes DIR/result:
 *   "pid=P alt=1 ss=1 usr2=42 ticks=1 term=1 nofile=77/99 rt=7 urg=1
 *    rt_tid=1 urg_tid=1"
 * (alt: the handler ran on the alternate stack; ss: sigaltstack reports
 * it; usr2: the value the pending SIGUSR2 carried once unblocked; ticks:
 * the timer fired meanwhile; rt, urg: what the worker's signals carried
 * once it unblocked them; *_tid: their handlers ran in the worker),
 * removes DIR/verify, and makes all of them blocked and pending again for
 * the next checkpoint.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define ALT_SIZE (64 * 1024)

static uint8_t *alt;
static volatile sig_atomic_t ticks, usr1_alt, usr2_value;
/* The worker's part: its TID, what its handlers saw, and the handshake
 * (verify asks with worker_go, the worker answers with worker_done). */
static volatile pid_t worker_tid, rt_tid, urg_tid;
static volatile sig_atomic_t rt_value, urg_code, worker_go, worker_done;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	uint8_t here;

	(void)sig, (void)si, (void)uc;
	usr1_alt = &here >= alt && &here < alt + ALT_SIZE;
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	usr2_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	rt_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
	rt_tid = gettid();
}

static void on_urg(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	urg_code = si->si_code;
	urg_tid = gettid();
}

static void on_alrm(int sig)
{
	(void)sig;
	ticks++;
}

static void nap(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 }, left;

	while (nanosleep(&t, &left))
		t = left;
}

static void block_usr2_pending(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	sigqueue(getpid(), SIGUSR2, (union sigval) { .sival_int = 42 });
}

static void worker_sigs(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGRTMIN + 1);
	sigaddset(s, SIGURG);
}

/* Blocks its two signals and makes them pending for itself alone. */
static void worker_pending(void)
{
	sigset_t s;

	worker_sigs(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_sigqueue(pthread_self(), SIGRTMIN + 1, (union sigval) { .sival_int = 7 });
	syscall(SYS_tgkill, getpid(), gettid(), SIGURG);
}

static void *worker(void *arg)
{
	sigset_t s;

	(void)arg;
	/* Everything else stays the main thread's (SIGUSR1 on its
	 * sigaltstack, SIGALRM): the worker blocks all. */
	sigfillset(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	worker_pending();
	worker_tid = gettid();
	for (;;) {
		while (!worker_go)
			nap(20);
		worker_go = 0;
		rt_value = urg_code = 0;
		rt_tid = urg_tid = 0;
		worker_sigs(&s);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
		worker_pending();
		worker_done = 1;
	}
	return NULL;
}

static void verify(const char *dir)
{
	char path[4096];
	struct rlimit rl;
	stack_t ss;
	sigset_t s;
	int t0, ss_ok;
	FILE *f;

	usr1_alt = 0;
	kill(getpid(), SIGUSR1);
	ss_ok = !sigaltstack(NULL, &ss) && ss.ss_sp == alt &&
		ss.ss_size == ALT_SIZE && !(ss.ss_flags & SS_DISABLE);
	t0 = ticks;
	nap(1300);
	usr2_value = 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	kill(getpid(), SIGTERM);	/* ignored: we go on */
	getrlimit(RLIMIT_NOFILE, &rl);
	worker_done = 0;
	worker_go = 1;
	while (!worker_done)
		nap(20);
	snprintf(path, sizeof(path), "%s/result", dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "pid=%d alt=%d ss=%d usr2=%d ticks=%d term=1 nofile=%llu/%llu "
			"rt=%d urg=%d rt_tid=%d urg_tid=%d\n",
			getpid(), usr1_alt, ss_ok, usr2_value, ticks - t0 >= 2,
			(unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
			rt_value, urg_code == SI_TKILL, rt_tid == worker_tid,
			urg_tid == worker_tid);
		fclose(f);
	}
	block_usr2_pending();
	snprintf(path, sizeof(path), "%s/verify", dir);
	unlink(path);
}

int main(int argc, char **argv)
{
	struct itimerval it = { { 0, 500000 }, { 0, 500000 } };
	struct rlimit rl = { 77, 99 };
	struct sigaction sa = { 0 };
	char path[4096];
	pthread_t th;
	stack_t ss;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: cr-signals DIR\n");
		return 2;
	}
	alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED)
		return 1;
	ss = (stack_t) { .ss_sp = alt, .ss_size = ALT_SIZE };
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sa.sa_sigaction = on_usr1;
	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		return 1;
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_usr2;
	if (sigaction(SIGUSR2, &sa, NULL))
		return 1;
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_alrm;
	if (sigaction(SIGALRM, &sa, NULL) || signal(SIGTERM, SIG_IGN) == SIG_ERR ||
	    setrlimit(RLIMIT_NOFILE, &rl) || setitimer(ITIMER_REAL, &it, NULL))
		return 1;
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_rt;
	if (sigaction(SIGRTMIN + 1, &sa, NULL))
		return 1;
	sa.sa_sigaction = on_urg;
	if (sigaction(SIGURG, &sa, NULL))
		return 1;
	block_usr2_pending();
	/* The worker inherits SIGUSR2 blocked: it stays the main thread's. */
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	while (!worker_tid)
		nap(10);
	snprintf(path, sizeof(path), "%s/info", argv[1]);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "pid=%d worker=%d\n", getpid(), worker_tid);
	fclose(f);
	for (;;) {
		snprintf(path, sizeof(path), "%s/verify", argv[1]);
		if (!access(path, F_OK))
			verify(argv[1]);
		nap(100);
	}
}
