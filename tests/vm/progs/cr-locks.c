/*
 * cr-locks DIR: file locks and an inotify fd for checkpoint/restore
 * scenarios. The holder H forks a waiter W first (so that they share no
 * open file), then holds on files of DIR:
 *   fd 3 posix.bin (O_RDWR): POSIX READ 0-9, WRITE 100-199, READ 300-EOF
 *   fd 4 ofd.bin (O_RDWR): OFD WRITE 0-49, OFD READ 50-99
 *   fd 5 flock.bin (O_RDONLY): flock LOCK_EX
 *   fd 6 DIR (O_DIRECTORY): flock LOCK_SH
 *   fd 7 inotify (IN_NONBLOCK | IN_CLOEXEC): wd 1 on DIR/watched
 *        (IN_CREATE | IN_DELETE | IN_EXCL_UNLINK), wd 2 added and removed
 *        (its IN_IGNORED read), wd 3 on DIR/wfile.txt (IN_MODIFY |
 *        IN_CLOSE_WRITE), wd 4 added and removed (the group numbers
 *        its next watch 5, above every kept one); no event queued
 *   fd 8 lease.txt (O_RDONLY): a read lease, F_SETSIG SIGRTMIN+3
 *   fd 9, 10 a UNIX stream pair; fd 9 O_ASYNC, its I/O signals to H
 *        (F_SETOWN_EX F_OWNER_PID), F_SETSIG SIGRTMIN+2
 * (both signals blocked: they are taken with sigtimedwait)
 * and writes DIR/info "pid=H waiter=W". W, its own posix.bin open, waits
 * in F_SETLKW for WRITE 150-159, which H's lock holds.
 * When DIR/verify appears H writes DIR/result:
 *   "pid=H nonblock=1 cloexec=1 clean=1 watches=1 waiting=1 events=1
 *    next_wd=1 got=1 order=1 posix_rd=1 posix_eof=1 posix_free=1
 *    ofd_wr=1 ofd_rd=1 ofd_free=1 flock=1 dirflock=1 dirshared=1
 *    lease=1 owner=1 sigs=1 async=1 sigio=1 leasebreak=1"
 * lease: F_GETLEASE on fd 8 is F_RDLCK; owner: fd 9's F_GETOWN_EX is H;
 * sigs: F_SETSIG of both as set; async: fd 9 has O_ASYNC; sigio: a byte
 * written to fd 10 brings SIGRTMIN+2 with si_fd 9; leasebreak: opening
 * lease.txt for writing (O_NONBLOCK) fails EWOULDBLOCK and brings
 * SIGRTMIN+3 with si_fd 8 (the lease is then given up).
 * nonblock, cloexec: the inotify fd's flags; clean: nothing queued on it
 * (FIONREAD 0); watches: its fdinfo lists the same wd, ino and mask as
 * before; waiting: W has not got its lock 1 s on; events: writing
 * wfile.txt and creating watched/new read back exactly (3 IN_MODIFY),
 * (3 IN_CLOSE_WRITE), (1 IN_CREATE "new"); next_wd: a new watch gets wd
 * 5. H then creates DIR/unlocking and unlocks 100-199; W, given its lock,
 * writes DIR/waiter-result (the rest): got: it got it; order:
 * DIR/unlocking existed then; posix_rd, posix_eof: F_GETLK finds H's
 * READ 0-9 and READ 300-EOF; posix_free: none left at 100-149; ofd_wr,
 * ofd_rd, ofd_free: F_OFD_GETLK on its own ofd.bin finds the WRITE 0-49,
 * the READ 50-99, and no conflict for READ 50-99; flock: LOCK_SH on its
 * own flock.bin would block; dirflock: LOCK_EX on DIR would block,
 * dirshared: LOCK_SH on it does not. H copies it into its result.
 *
 * cr-locks DIR lease|queued|devlock|owner: holds at fd 3 what `check`
 * refuses (a write lease on DIR/lease.txt being broken by a child's
 * open, an inotify fd with an event queued, a flock on /dev/null, a
 * UNIX socket whose I/O signals go to its parent), touches DIR/ready and
 * waits.
 *
 * cr-locks DIR hold|grab posix|ofd|flock NAME: holds at fd 3 DIR/NAME
 * (O_RDWR) with a lock of that kind, WRITE 0-99 (flock LOCK_EX), touches
 * DIR/NAME.hold (or DIR/NAME.grab) and waits: a holder to keep, and one
 * that takes its lock in the next kernel before restore.
 *
 * cr-locks DIR hold sharedflock NAME: holds at fd 3 DIR/NAME.p with a
 * POSIX WRITE 0-99 and at fd 4 DIR/NAME with a flock LOCK_EX, which a
 * child shares (forked after, its PID in DIR/NAME.child); touches
 * DIR/NAME.hold and waits: a flock whose taker may fail restore (its
 * POSIX lock taken meanwhile) while another kept process shares it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *at(const char *name)
{
	static char path[4][PATH_MAX];
	static int n;

	n = (n + 1) % 4;
	snprintf(path[n], sizeof(path[n]), "%s/%s", dir, name);
	return path[n];
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static int exists(const char *name)
{
	return !access(at(name), F_OK);
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		die(name);
}

/* Opens path at fd number want. */
static void open_at(const char *path, int flags, int want)
{
	int fd = open(path, flags, 0644);

	if (fd < 0)
		die(path);
	if (fd != want) {
		if (dup2(fd, want) < 0)
			die("dup2");
		close(fd);
	}
}

static void lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &l))
		die("lock");
}

/* F_GETLK/F_OFD_GETLK for a lock of type on start/len: whether the
 * conflict found is exactly want_type (F_UNLCK: none) at want_start,
 * want_len, held by want_pid (when want_type is not F_UNLCK). */
static int conflict_is(int fd, int cmd, short type, off_t start, off_t len,
		       short want_type, off_t want_start, off_t want_len,
		       pid_t want_pid)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &l))
		return 0;
	if (want_type == F_UNLCK)
		return l.l_type == F_UNLCK;
	return l.l_type == want_type && l.l_start == want_start &&
		l.l_len == want_len && l.l_pid == want_pid;
}

/* W: waits for posix.bin's WRITE 150-159, then probes H's locks. */
static void waiter(pid_t h)
{
	int fd, ofd, fl, d, order, got;
	char res[512];

	while (!exists("locked"))
		nap_ms(10);
	fd = open(at("posix.bin"), O_RDWR);
	if (fd < 0)
		die("posix.bin");
	got = !fcntl(fd, F_SETLKW, &(struct flock){ .l_type = F_WRLCK,
		.l_whence = SEEK_SET, .l_start = 150, .l_len = 10 });
	order = exists("unlocking");
	ofd = open(at("ofd.bin"), O_RDWR);
	fl = open(at("flock.bin"), O_RDONLY);
	d = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(res, sizeof(res),
		 "got=%d order=%d posix_rd=%d posix_eof=%d posix_free=%d ofd_wr=%d ofd_rd=%d ofd_free=%d flock=%d dirflock=%d dirshared=%d\n",
		 got, order,
		 conflict_is(fd, F_GETLK, F_WRLCK, 0, 10, F_RDLCK, 0, 10, h),
		 conflict_is(fd, F_GETLK, F_WRLCK, 300, 100, F_RDLCK, 300, 0, h),
		 conflict_is(fd, F_GETLK, F_WRLCK, 100, 50, F_UNLCK, 0, 0, 0),
		 conflict_is(ofd, F_OFD_GETLK, F_RDLCK, 0, 50, F_WRLCK, 0, 50, -1),
		 conflict_is(ofd, F_OFD_GETLK, F_WRLCK, 50, 50, F_RDLCK, 50, 50, -1),
		 conflict_is(ofd, F_OFD_GETLK, F_RDLCK, 50, 50, F_UNLCK, 0, 0, 0),
		 flock(fl, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK,
		 flock(d, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK,
		 !flock(d, LOCK_SH | LOCK_NB) && !flock(d, LOCK_UN));
	put("waiter-result.tmp", res);
	rename(at("waiter-result.tmp"), at("waiter-result"));
	for (;;)
		pause();
}

/* "wd ino mask;" for each inotify watch of fd 7, from its fdinfo, in the
 * kernel's order (newest first); the device may differ between kernels. */
static void watch_list(char *out, size_t size)
{
	unsigned int wd, sdev, mask;
	unsigned long ino;
	char line[512];
	size_t n = 0;
	FILE *f = fopen("/proc/self/fdinfo/7", "r");

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f) && n < size)
		if (sscanf(line, "inotify wd:%x ino:%lx sdev:%x mask:%x",
			   &wd, &ino, &sdev, &mask) == 4)
			n += snprintf(out + n, size - n, "%x %lx %x;", wd, ino, mask);
	if (f)
		fclose(f);
}

/* Reads inotify events until none comes for 500 ms into "wd:mask:name;". */
static void read_events(int in, char *out, size_t size)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd p = { .fd = in, .events = POLLIN };
	size_t n = 0;

	out[0] = '\0';
	while (poll(&p, 1, 500) == 1) {
		ssize_t len = read(in, buf, sizeof(buf));

		for (ssize_t i = 0; i < len;) {
			struct inotify_event *e = (struct inotify_event *)(buf + i);

			n += snprintf(out + n, size > n ? size - n : 0, "%d:%x:%s;",
				      e->wd, e->mask, e->len ? e->name : "");
			i += sizeof(*e) + e->len;
		}
		if (len <= 0)
			break;
	}
}

/* Whether signal sig comes within 2 s with si_fd fd. */
static int signal_from(int sig, int fd)
{
	struct timespec t = { 2, 0 };
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, &si, &t) == sig && si.si_fd == fd;
}

/* The lease and signal-driven I/O keys of the result. */
static void signal_io(char *out, size_t size)
{
	struct f_owner_ex o = { 0 };
	int fd, broke, lease = fcntl(8, F_GETLEASE);

	fcntl(9, F_GETOWN_EX, &o);
	fd = open(at("lease.txt"), O_WRONLY | O_NONBLOCK);
	broke = fd < 0 && errno == EWOULDBLOCK;
	if (fd >= 0)
		close(fd);
	snprintf(out, size, "lease=%d owner=%d sigs=%d async=%d sigio=%d leasebreak=%d",
		 lease == F_RDLCK, o.type == F_OWNER_PID && o.pid == getpid(),
		 fcntl(9, F_GETSIG) == SIGRTMIN + 2 &&
		 fcntl(8, F_GETSIG) == SIGRTMIN + 3,
		 !!(fcntl(9, F_GETFL) & O_ASYNC),
		 write(10, "x", 1) == 1 && signal_from(SIGRTMIN + 2, 9),
		 broke && signal_from(SIGRTMIN + 3, 8));
	fcntl(8, F_SETLEASE, F_UNLCK);
}

static void verify(pid_t w, const char *watches_before)
{
	char watches[1024], events[1024], expect[256], res[1024], wres[512] = "";
	char sio[128];
	int in = 7, fl, queued = -1, waiting, next, fd;
	FILE *f;

	(void)w;
	fl = fcntl(in, F_GETFL);
	ioctl(in, FIONREAD, &queued);
	watch_list(watches, sizeof(watches));
	waiting = !exists("waiter-result");
	nap_ms(1000);
	waiting = waiting && !exists("waiter-result");
	fd = open(at("wfile.txt"), O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd))
		die("wfile.txt");
	put("watched/new", "");
	read_events(in, events, sizeof(events));
	snprintf(expect, sizeof(expect), "3:%x:;3:%x:;1:%x:new;", IN_MODIFY,
		 IN_CLOSE_WRITE, IN_CREATE);
	signal_io(sio, sizeof(sio));
	put("wnext.txt", "");
	next = inotify_add_watch(in, at("wnext.txt"), IN_ATTRIB);
	put("unlocking", "");
	lock(3, F_SETLK, F_UNLCK, 100, 100);
	for (int i = 0; i < 200 && !exists("waiter-result"); i++)
		nap_ms(100);
	f = fopen(at("waiter-result"), "r");
	if (f) {
		if (!fgets(wres, sizeof(wres), f))
			wres[0] = '\0';
		fclose(f);
	}
	snprintf(res, sizeof(res),
		 "pid=%d nonblock=%d cloexec=%d clean=%d watches=%d waiting=%d events=%d next_wd=%d %s %s",
		 getpid(), !!(fl & O_NONBLOCK),
		 fcntl(in, F_GETFD) == FD_CLOEXEC, queued == 0,
		 !strcmp(watches, watches_before), waiting,
		 !strcmp(events, expect), next == 5, sio,
		 wres[0] ? wres : "got=0\n");
	put("events", events);
	put("watches", watches);
	put("result.tmp", res);
	rename(at("result.tmp"), at("result"));
}

/* hold sharedflock (see the top). */
static void shared_flock(const char *name)
{
	char p[PATH_MAX], pid[32];
	pid_t child;

	snprintf(p, sizeof(p), "%s.p", name);
	open_at(at(p), O_RDWR | O_CREAT, 3);
	lock(3, F_SETLK, F_WRLCK, 0, 100);
	open_at(at(name), O_RDWR | O_CREAT, 4);
	if (flock(4, LOCK_EX | LOCK_NB))
		die("flock");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child)
		for (;;)
			pause();
	snprintf(p, sizeof(p), "%s.child", name);
	snprintf(pid, sizeof(pid), "%d", child);
	put(p, pid);
}

/* hold or grab: a lock of kind on DIR/name at fd 3. */
static void hold(const char *what, const char *kind, const char *name)
{
	char mark[PATH_MAX];

	if (!strcmp(kind, "sharedflock")) {
		shared_flock(name);
	} else {
		open_at(at(name), O_RDWR | O_CREAT, 3);
		if (!strcmp(kind, "posix"))
			lock(3, F_SETLK, F_WRLCK, 0, 100);
		else if (!strcmp(kind, "ofd"))
			lock(3, F_OFD_SETLK, F_WRLCK, 0, 100);
		else if (strcmp(kind, "flock") || flock(3, LOCK_EX | LOCK_NB))
			die(kind);
	}
	snprintf(mark, sizeof(mark), "%s.%s", name, what);
	put(mark, "");
	for (;;)
		nap_ms(100);
}

/* A write lease at fd 3 that a child's open is breaking, once the
 * kernel shows it breaking. */
static void lease_broken(void)
{
	char line[512];
	int breaking = 0;
	FILE *f;

	signal(SIGIO, SIG_IGN);	/* the break's, which would end it */
	put("lease.txt", "");
	open_at(at("lease.txt"), O_RDONLY, 3);
	if (fcntl(3, F_SETLEASE, F_WRLCK))
		die("F_SETLEASE");
	if (!fork()) {
		close(3);
		open(at("lease.txt"), O_RDONLY);
		_exit(0);
	}
	for (int i = 0; i < 500 && !breaking; i++) {
		nap_ms(10);
		f = fopen("/proc/self/fdinfo/3", "r");
		while (f && fgets(line, sizeof(line), f))
			breaking |= strstr(line, "BREAKING") != NULL;
		if (f)
			fclose(f);
	}
	if (!breaking)
		die("lease not breaking");
}

/* Holds at fd 3 what check refuses. */
static void refused(const char *mode)
{
	if (!strcmp(mode, "lease")) {
		lease_broken();
	} else if (!strcmp(mode, "owner")) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || sv[0] != 3 ||
		    fcntl(3, F_SETOWN, getppid()))
			die("owner");
	} else if (!strcmp(mode, "queued")) {
		int in = inotify_init1(0);

		if (in != 3 || inotify_add_watch(in, dir, IN_CREATE) != 1)
			die("inotify");
		put("q", "");
	} else if (!strcmp(mode, "devlock")) {
		open_at("/dev/null", O_RDONLY, 3);
		if (flock(3, LOCK_EX))
			die("flock");
	} else {
		fprintf(stderr, "cr-locks: unknown mode %s\n", mode);
		exit(2);
	}
	put("ready", "");
	for (;;)
		pause();
}

/* fds 8, 9 and 10 (see the top). */
static void signal_io_setup(void)
{
	struct f_owner_ex o = { .type = F_OWNER_PID, .pid = getpid() };
	sigset_t set;
	int sv[2];

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigaddset(&set, SIGRTMIN + 3);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		die("sigprocmask");
	put("lease.txt", "");
	open_at(at("lease.txt"), O_RDONLY, 8);
	if (fcntl(8, F_SETSIG, SIGRTMIN + 3) || fcntl(8, F_SETLEASE, F_RDLCK))
		die("lease");
	/* fds 9 and 10 are the lowest free ones */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || sv[0] != 9 || sv[1] != 10)
		die("socketpair");
	if (fcntl(9, F_SETOWN_EX, &o) || fcntl(9, F_SETSIG, SIGRTMIN + 2) ||
	    fcntl(9, F_SETFL, O_ASYNC | O_NONBLOCK))
		die("F_SETOWN_EX");
}

int main(int argc, char **argv)
{
	char info[128], watches[1024];
	pid_t w;
	int in;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: cr-locks DIR [lease|queued|devlock|owner]\n"
			"       cr-locks DIR hold|grab posix|ofd|flock NAME\n");
		return 2;
	}
	dir = argv[1];
	for (int fd = 3; fd < 16; fd++)
		close(fd);
	if (argc == 5)
		hold(argv[2], argv[3], argv[4]);
	if (argc == 3)
		refused(argv[2]);
	w = fork();
	if (w < 0)
		die("fork");
	if (!w)
		waiter(getppid());
	open_at(at("posix.bin"), O_RDWR | O_CREAT, 3);
	if (ftruncate(3, 4096))
		die("ftruncate");
	lock(3, F_SETLK, F_RDLCK, 0, 10);
	lock(3, F_SETLK, F_WRLCK, 100, 100);
	lock(3, F_SETLK, F_RDLCK, 300, 0);
	open_at(at("ofd.bin"), O_RDWR | O_CREAT, 4);
	lock(4, F_OFD_SETLK, F_WRLCK, 0, 50);
	lock(4, F_OFD_SETLK, F_RDLCK, 50, 50);
	open_at(at("flock.bin"), O_RDONLY | O_CREAT, 5);
	if (flock(5, LOCK_EX))
		die("flock");
	open_at(dir, O_RDONLY | O_DIRECTORY, 6);
	if (flock(6, LOCK_SH))
		die("flock dir");
	if (mkdir(at("watched"), 0755) && errno != EEXIST)
		die("mkdir");
	put("wfile.txt", "");
	put("gap.txt", "");
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in != 7)
		die("inotify fd 7");
	if (inotify_add_watch(in, at("watched"), IN_CREATE | IN_DELETE | IN_EXCL_UNLINK) != 1 ||
	    inotify_add_watch(in, at("gap.txt"), IN_ATTRIB) != 2 ||
	    inotify_rm_watch(in, 2) ||
	    inotify_add_watch(in, at("wfile.txt"), IN_MODIFY | IN_CLOSE_WRITE) != 3 ||
	    inotify_add_watch(in, at("gap.txt"), IN_ATTRIB) != 4 ||
	    inotify_rm_watch(in, 4))
		die("inotify_add_watch");
	read_events(in, info, sizeof(info));	/* wd 2's and 4's IN_IGNORED */
	signal_io_setup();
	watch_list(watches, sizeof(watches));
	put("watches-before", watches);
	snprintf(info, sizeof(info), "pid=%d waiter=%d\n", getpid(), w);
	put("info.tmp", info);
	put("locked", "");
	rename(at("info.tmp"), at("info"));
	for (;;) {
		if (exists("verify")) {
			verify(w, watches);
			unlink(at("verify"));
		}
		nap_ms(20);
	}
}
