/* cr-refuse DIR MODE: a process holding one thing that restore cannot
 * carry, for `quickreboot check` to refuse by name. Writes DIR/ready once
 * it holds it, then sleeps; SIGTERM removes what would outlive it (System
 * V objects). MODE:
 *   seccomp   a seccomp filter that hands getppid to a listener
 *             (SECCOMP_RET_USER_NOTIF; the listener fd kept), after
 *             no_new_privs
 *   seccomp-traced  a seccomp filter restore could carry (allow all),
 *             the process traced (PTRACE_SEIZE) by its child, whose PID
 *             is written to DIR/outsider
 *   seccomp-strict  seccomp strict mode, blocked in read(2) on a pipe
 *   uts       its own UTS namespace (unshare)
 *   timer     a POSIX timer on its CPU-time clock (timer_create)
 *   shm-outside  a System V segment it attaches, attached too by a
 *             process outside its tree (a grandchild left to init)
 *   hugetlb   a memfd of huge pages mapped shared, its fd closed
 *   root      a deleted root directory (chroot, then rmdir)
 *   deleted   a file open and deleted, holding 17 MiB of data
 *   threads   a thread with other capabilities than the main thread
 *   epoll-closed  an epoll (fd 3) whose target fd 4 was closed after it
 *                 was added, its eventfd still open at fd 5
 *   epoll-reused  the same, then another eventfd opened at fd 4
 *   eventfd-outside  an eventfd (fd 3) also held by a process outside its
 *                 tree (a grandchild whose parent exited), whose PID is
 *                 written to DIR/outsider: 6.1 does not show the mode
 *   timerfd-cancelled  an absolute CLOCK_REALTIME timerfd (fd 3) with
 *                 TFD_TIMER_CANCEL_ON_SET, cancelled by setting the clock
 *                 (to itself), not read
 *   pid1-listener  a listener (fd 3) whose peer credentials name pid 1,
 *                 as socket activation makes them: its parent, pid 1 in
 *                 the guest, made to listen (ptrace), then the listener
 *                 taken from it (pidfd_getfd) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int shmid = -1;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void term(int sig)
{
	(void)sig;
	if (shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
	_exit(0);
}

static void *drop_one(void *arg)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	(void)arg;
	/* This thread only: the raw system call, not glibc's broadcast. */
	if (syscall(SYS_capget, &h, d))
		die("capget");
	d[0].effective &= ~(1u << CAP_CHOWN);
	d[0].permitted &= ~(1u << CAP_CHOWN);
	if (syscall(SYS_capset, &h, d))
		die("capset");
	for (;;)
		pause();
	return NULL;
}

/* The parent (pid 1 in the guest: the test's shell) made to listen on an
 * abstract name by syscalls injected with ptrace at its stopped
 * instruction; the listener, whose peer credentials are then the
 * parent's (listen(2) records its caller's), duplicated here at fd 3. */
static long inject(pid_t p, const struct user_regs_struct *base, long nr,
		   long a, long b, long c)
{
	struct user_regs_struct r = *base;
	int st;

	r.rax = nr;
	r.orig_rax = -1;	/* not a system call to restart */
	r.rdi = a;
	r.rsi = b;
	r.rdx = c;
	if (ptrace(PTRACE_SETREGS, p, 0, &r) ||
	    ptrace(PTRACE_SINGLESTEP, p, 0, 0) || waitpid(p, &st, __WALL) != p ||
	    ptrace(PTRACE_GETREGS, p, 0, &r))
		return -1;
	return r.rax;
}

static void parent_listens(void)
{
	pid_t p = getppid();
	struct user_regs_struct saved, base;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long code, mem[(sizeof(a) + 7) / 8], fd, ok;
	unsigned long at;
	int st, pfd;

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "cr-refuse-pid1-%d", getpid());
	if (ptrace(PTRACE_SEIZE, p, 0, 0) || ptrace(PTRACE_INTERRUPT, p, 0, 0) ||
	    waitpid(p, &st, __WALL) != p || ptrace(PTRACE_GETREGS, p, 0, &saved))
		die("ptrace");
	base = saved;
	/* A syscall instruction where it stopped; the sockaddr well below
	 * its stack pointer (the red zone). */
	at = (saved.rsp - 4096) & ~7ul;
	base.rsp = at - 64;
	errno = 0;
	code = ptrace(PTRACE_PEEKTEXT, p, saved.rip, 0);
	for (size_t i = 0; i < N(mem); i++)
		mem[i] = ptrace(PTRACE_PEEKDATA, p, at + 8 * i, 0);
	if (errno || ptrace(PTRACE_POKETEXT, p, saved.rip, (code & ~0xffffl) | 0x050f))
		die("peek");
	for (size_t i = 0; i < N(mem); i++)
		ptrace(PTRACE_POKEDATA, p, at + 8 * i, ((long *)&a)[i]);
	fd = inject(p, &base, SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	ok = fd >= 0 &&
	     !inject(p, &base, SYS_bind, fd, at,
		     offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a.sun_path + 1)) &&
	     !inject(p, &base, SYS_listen, fd, 5, 0);
	for (size_t i = 0; i < N(mem); i++)
		ptrace(PTRACE_POKEDATA, p, at + 8 * i, mem[i]);
	if (ptrace(PTRACE_POKETEXT, p, saved.rip, code) ||
	    ptrace(PTRACE_SETREGS, p, 0, &saved) || ptrace(PTRACE_DETACH, p, 0, 0) ||
	    !ok)
		die("inject");
	pfd = syscall(SYS_pidfd_open, p, 0);
	fd = pfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	if (fd < 0 || dup2(fd, 3) != 3)
		die("pidfd_getfd");
	if (fd != 3)
		close(fd);
}

int main(int argc, char **argv)
{
	char path[512];
	const char *m;
	int fd, dir;

	if (argc != 3)
		return 2;
	m = argv[2];
	/* DIR's fd, high: a mode's own file is fd 3. */
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 64);
	if (dir < 0)
		die(argv[1]);
	close(fd);
	signal(SIGTERM, term);
	if (!strcmp(m, "seccomp")) {
		struct sock_filter notif[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { N(notif), notif };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0)
			die("seccomp");
	} else if (!strcmp(m, "seccomp-traced")) {
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		struct sock_fprog prog = { 1, &allow };
		pid_t me = getpid(), child;
		int go[2];

		if (pipe(go) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
			die("seccomp");
		child = fork();
		if (child < 0)
			die("fork");
		if (!child) {
			if (ptrace(PTRACE_SEIZE, me, 0, 0))
				die("PTRACE_SEIZE");
			close(go[1]);
			for (;;)
				pause();
		}
		close(go[1]);
		fd = openat(dir, "outsider", O_WRONLY | O_CREAT, 0644);
		if (read(go[0], &me, 1) != 0 || fd < 0 ||
		    dprintf(fd, "%d\n", child) < 0 || close(fd))
			die("tracer");
	} else if (!strcmp(m, "seccomp-strict")) {
		int hold[2];

		fd = openat(dir, "ready", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (pipe(hold) || fd < 0)
			die("ready");
		close(fd);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0))
			die("strict");
		for (;;)
			if (read(hold[0], &fd, 1) != -1)
				syscall(SYS_exit, 1);
	} else if (!strcmp(m, "uts")) {
		if (unshare(CLONE_NEWUTS))
			die("unshare");
	} else if (!strcmp(m, "timer")) {
		timer_t t;

		if (timer_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &t))
			die("timer_create");
	} else if (!strcmp(m, "shm-outside")) {
		pid_t me = getpid(), child;

		shmid = shmget(IPC_PRIVATE, 4096, 0600);
		if (shmid < 0 || shmat(shmid, NULL, 0) == (void *)-1)
			die("shmget");
		child = fork();
		if (child < 0)
			die("fork");
		if (!child) {
			/* Its child, left to init, holds an attach until
			 * this process is gone. */
			if (fork())
				_exit(0);
			while (!kill(me, 0))
				sleep(1);
			_exit(0);
		}
		waitpid(child, NULL, 0);
		sleep(1);
	} else if (!strcmp(m, "hugetlb")) {
		fd = memfd_create("qr-huge", MFD_HUGETLB);
		if (fd < 0 || ftruncate(fd, 2 << 20) ||
		    mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
		    MAP_FAILED)
			die("hugetlb");
		close(fd);
	} else if (!strcmp(m, "root")) {
		snprintf(path, sizeof(path), "%s/gone", argv[1]);
		if (mkdir(path, 0700) || chroot(path) ||
		    unlinkat(dir, "gone", AT_REMOVEDIR))
			die("root");
	} else if (!strcmp(m, "deleted")) {
		snprintf(path, sizeof(path), "%s/deleted", argv[1]);
		static char mib[1 << 20];

		fd = open(path, O_RDWR | O_CREAT, 0600);
		memset(mib, 'x', sizeof(mib));
		for (int i = 0; fd >= 0 && i < 17; i++)
			if (write(fd, mib, sizeof(mib)) != sizeof(mib))
				die(path);
		if (fd < 0 || unlink(path))
			die(path);
	} else if (!strcmp(m, "epoll-closed") || !strcmp(m, "epoll-reused")) {
		struct epoll_event ev = { .events = EPOLLIN };

		if (dup2(epoll_create1(0), 3) != 3 || dup2(eventfd(0, 0), 4) != 4 ||
		    epoll_ctl(3, EPOLL_CTL_ADD, 4, &ev) || dup2(4, 5) != 5 ||
		    close(4))
			die("epoll");
		if (!strcmp(m, "epoll-reused") && eventfd(0, 0) != 4)
			die("eventfd");
	} else if (!strcmp(m, "eventfd-outside")) {
		pid_t mid;

		if (dup2(eventfd(5, 0), 3) != 3)
			die("eventfd");
		mid = fork();
		if (mid < 0)
			die("fork");
		if (!mid) {
			pid_t out = fork();

			if (!out) {
				for (;;)
					pause();
			}
			fd = openat(dir, "outsider", O_WRONLY | O_CREAT, 0644);
			if (out < 0 || fd < 0 || dprintf(fd, "%d\n", out) < 0)
				_exit(1);
			_exit(0);
		}
		if (waitpid(mid, &fd, 0) != mid || fd)
			die("outsider");
	} else if (!strcmp(m, "timerfd-cancelled")) {
		struct itimerspec its = { 0 };
		struct pollfd ready = { .fd = 3, .events = POLLIN };
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		its.it_value.tv_sec = now.tv_sec + 3600;
		if (dup2(timerfd_create(CLOCK_REALTIME, 0), 3) != 3 ||
		    timerfd_settime(3, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
				    &its, NULL) ||
		    clock_gettime(CLOCK_REALTIME, &now) ||
		    clock_settime(CLOCK_REALTIME, &now) || poll(&ready, 1, 1000) != 1)
			die("timerfd");
	} else if (!strcmp(m, "pid1-listener")) {
		parent_listens();
	} else if (!strcmp(m, "threads")) {
		pthread_t t;

		if (pthread_create(&t, NULL, drop_one, NULL))
			die("pthread_create");
		sleep(1);
	} else {
		return 2;
	}
	/* Through DIR's fd: a chroot may hide DIR. */
	fd = openat(dir, "ready", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("ready");
	close(fd);
	for (;;)
		pause();
}
