/* cr-seccomp DIR: a process under seccomp filters as a systemd sandbox
 * leaves it, checking its own state after a restore. It sets
 * no_new_privs, installs filter A (SECCOMP_FILTER_FLAG_LOG: acct fails
 * with EXDEV) and filter B (as MemoryDenyWriteExecute: mmap or mprotect
 * asking for PROT_WRITE|PROT_EXEC fails with EPERM), forks a child that
 * inherits both, and starts a worker thread that shares them and adds
 * filter C (syslog fails with E2BIG). Each of the three then sees its own
 * state (the calls above, an ordinary mmap, /proc/thread-self/status
 * Seccomp, Seccomp_filters, NoNewPrivs) and compares it with what it must
 * be. It writes DIR/info "pid=P child=C worker=T ok=1" at the start and,
 * each time DIR/verify appears, DIR/result "pid=P ok=1 main=1 worker=1
 * child=1" (a 0 names who differs; DIR/diff holds the views).
 *
 * cr-seccomp --flags TID: prints the flags and length of each filter of
 * TID, oldest first ("2/8 0/10"), read as quickreboot reads them (ptrace
 * stop, PTRACE_SECCOMP_GET_METADATA and _GET_FILTER), for the scenario to
 * compare across the restore. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VIEW 512
#define ARCH_NR offsetof(struct seccomp_data, arch)
#define NR offsetof(struct seccomp_data, nr)
/* The low 32 bits of the third argument (prot), little-endian. */
#define ARG2 offsetof(struct seccomp_data, args[2])
#define WX (PROT_WRITE | PROT_EXEC)

static const char *dir;
static int to_worker[2], from_worker[2], to_child[2], from_child[2];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void install(struct sock_filter *f, unsigned short n, unsigned int flags)
{
	struct sock_fprog p = { n, f };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p))
		die("seccomp");
}

/* A: acct -> EXDEV, logged. */
static void filter_a(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARCH_NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_acct, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	install(f, sizeof(f) / sizeof(f[0]), SECCOMP_FILTER_FLAG_LOG);
}

/* B: no memory both writable and executable. */
static void filter_b(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG2),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, WX),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WX, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	install(f, sizeof(f) / sizeof(f[0]), 0);
}

/* C (the worker's own): syslog -> E2BIG. */
static void filter_c(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_syslog, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | E2BIG),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	install(f, sizeof(f) / sizeof(f[0]), 0);
}

static const char *status_line(const char *st, const char *key, char *out)
{
	const char *l = strstr(st, key);

	out[0] = '\0';
	if (l)
		sscanf(l + strlen(key), " %31s", out);
	return out;
}

/* The calling thread's view, and whether it is the one it must have
 * (filters: how many it must have; syslog_denied: filter C). */
static int view(char *out, int filters, int syslog_denied)
{
	char st[4096], sc[32], scf[32], nnp[32], want[32];
	int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, st, sizeof(st) - 1);
	int acct_e, mmap_e = 0, mprot_e = 0, rw_ok, sys_e = 0;
	void *p;

	if (fd >= 0)
		close(fd);
	st[n > 0 ? n : 0] = '\0';
	errno = 0;
	acct_e = syscall(SYS_acct, NULL) ? errno : 0;
	p = mmap(NULL, 4096, PROT_READ | WX, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		mmap_e = errno;
	else
		munmap(p, 4096);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rw_ok = p != MAP_FAILED;
	if (rw_ok) {
		if (mprotect(p, 4096, PROT_READ | WX))
			mprot_e = errno;
		munmap(p, 4096);
	}
	if (syscall(SYS_syslog, 10, NULL, 0) < 0)
		sys_e = errno;
	snprintf(out, VIEW, "acct=%d mmap_wx=%d mprotect_wx=%d mmap_rw=%d syslog=%d seccomp=%s filters=%s nnp=%s",
		 acct_e, mmap_e, mprot_e, rw_ok, sys_e,
		 status_line(st, "\nSeccomp:", sc),
		 status_line(st, "\nSeccomp_filters:", scf),
		 status_line(st, "\nNoNewPrivs:", nnp));
	snprintf(want, sizeof(want), "%d", filters);
	return acct_e == EXDEV && mmap_e == EPERM && mprot_e == EPERM && rw_ok &&
		(syslog_denied ? sys_e == E2BIG : sys_e != E2BIG) &&
		!strcmp(sc, "2") && !strcmp(scf, want) && !strcmp(nnp, "1");
}

/* Answers each byte on in with its verdict and view on out. */
static void serve(int in, int out, int filters, int syslog_denied)
{
	char c, v[VIEW + 2];

	while (read(in, &c, 1) == 1) {
		v[0] = view(v + 1, filters, syslog_denied) ? '1' : '0';
		if (write(out, v, VIEW + 1) != VIEW + 1)
			exit(1);
	}
	exit(0);
}

static void *worker(void *arg)
{
	(void)arg;
	filter_c();
	serve(to_worker[0], from_worker[1], 3, 1);
	return NULL;
}

static int ask(int to, int from, char *v)
{
	size_t got = 0;

	if (write(to, "v", 1) != 1)
		return -1;
	while (got < VIEW + 1) {
		ssize_t n = read(from, v + got, VIEW + 1 - got);

		if (n <= 0)
			return -1;
		got += n;
	}
	v[VIEW] = '\0';
	return v[0] == '1';
}

static void put(const char *name, const char *text)
{
	char tmp[4096], path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) || rename(tmp, path))
		die(path);
}

/* One line: everyone's verdict; DIR/diff their views. */
static int check_all(char *line, size_t len, pid_t child, pid_t tid)
{
	char mv[VIEW], wv[VIEW + 2], cv[VIEW + 2], diff[3 * VIEW + 64];
	int m = view(mv, 2, 0);
	int w = ask(to_worker[1], from_worker[0], wv) == 1;
	int c = ask(to_child[1], from_child[0], cv) == 1;

	snprintf(diff, sizeof(diff), "main %s\nworker %d %s\nchild %d %s\n",
		 mv, tid, wv + 1, child, cv + 1);
	put("diff", diff);
	snprintf(line, len, "pid=%d ok=%d main=%d worker=%d child=%d\n",
		 getpid(), m && w && c, m, w, c);
	return m && w && c;
}

static int flags_of(pid_t tid)
{
	int st;

	if (ptrace(PTRACE_SEIZE, tid, 0, 0) || ptrace(PTRACE_INTERRUPT, tid, 0, 0) ||
	    waitpid(tid, &st, __WALL) != tid)
		die("ptrace");
	for (unsigned long i = 0;; i++) {
		struct __ptrace_seccomp_metadata md = { .filter_off = i };
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, i, NULL);

		if (n < 0 && errno == ENOENT)
			break;
		if (n < 0 || ptrace(PTRACE_SECCOMP_GET_METADATA, tid, sizeof(md), &md) < 0)
			die("PTRACE_SECCOMP_GET_*");
		printf("%s%llu/%ld", i ? " " : "", (unsigned long long)md.flags, n);
	}
	printf("\n");
	ptrace(PTRACE_DETACH, tid, 0, 0);
	return 0;
}

int main(int argc, char **argv)
{
	char line[256], path[4096];
	pthread_t th;
	pid_t child, tid;

	if (argc == 3 && !strcmp(argv[1], "--flags"))
		return flags_of(atoi(argv[2]));
	if (argc != 2) {
		fprintf(stderr, "usage: cr-seccomp DIR | --flags TID\n");
		return 2;
	}
	dir = argv[1];
	if (pipe(to_worker) || pipe(from_worker) || pipe(to_child) ||
	    pipe(from_child))
		die("pipe");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("no_new_privs");
	filter_a();
	filter_b();
	child = fork();
	if (child < 0)
		die("fork");
	if (!child)
		serve(to_child[0], from_child[1], 2, 0);
	if (pthread_create(&th, NULL, worker, NULL))
		die("pthread_create");
	/* The worker's TID: the task directory's other entry. */
	tid = 0;
	for (int i = 0; i < 100 && !tid; i++) {
		char t[64];

		for (pid_t k = getpid() + 1; k < getpid() + 64 && !tid; k++) {
			snprintf(t, sizeof(t), "/proc/self/task/%d", k);
			if (!access(t, F_OK))
				tid = k;
		}
		if (!tid)
			usleep(10000);
	}
	check_all(line, sizeof(line), child, tid);
	snprintf(path, sizeof(path), "pid=%d child=%d worker=%d ok=%s\n",
		 getpid(), child, tid, strstr(line, "ok=1") ? "1" : "0");
	put("info", path);
	for (;;) {
		snprintf(path, sizeof(path), "%s/verify", dir);
		if (!access(path, F_OK)) {
			unlink(path);
			check_all(line, sizeof(line), child, tid);
			put("result", line);
		}
		usleep(100000);
	}
}
