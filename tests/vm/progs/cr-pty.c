/*
 * cr-pty DIR: a terminal server for checkpoint/restore scenarios, as tmux
 * makes one. It daemonizes (fork, setsid: the server S leads its own
 * session, without a terminal) and holds pty masters at fixed fds:
 *   10 pair 1's master; its slave /dev/pts/N1 chowned 1000:5, mode 0600
 *   11 pair 2's master, O_NONBLOCK, packet mode (TIOCPKT)
 *   12 pair 3's master, FD_CLOEXEC, locked (TIOCSPTLCK) after S opened
 *   13 its slave (fd 13, O_NOCTTY): both ends in S, no other reader
 *   14 pair 4's master: its slave was opened and closed (reads: EIO)
 *   15 pair 5's master, 16 its slave in raw mode (cfmakeraw), both in S
 * For pairs 1 and 2 a child C (a shell) calls setsid() and opens the
 * slave, which becomes its controlling terminal, on its fds 0-2, and sets
 * its mode: pair 1 canonical without echo, pair 2 raw (and exclusive,
 * TIOCEXCL). C starts a job J in a group of its own and makes it the
 * foreground group (tcsetpgrp), then waits for it. J answers each line
 * "L k" it reads with "A k", each "V" with its view of its terminal:
 * "R tty=/dev/pts/N pgrp=P fg=F sid=S ctty=1 winch=W rows=R cols=C
 * excl=E canon=K" (ttyname, getpgrp, tcgetpgrp, getsid, /dev/tty opens,
 * SIGWINCHes caught, TIOCGWINSZ, TIOCGEXCL, ICANON). C of pair 1 also
 * leaves a group whose leader exited: its child L made group L, its
 * child M joined it, L exited and was reaped; M sleeps in group L.
 * S's child K made D, then left S's session (setsid): D is in the session
 * K left, in S's group (a worker a daemon made before its setsid()).
 * DIR/info: "pid=S c1= j1= n1= c2= j2= n2= l= m= n3= n4= n5= k= d=" once
 * all runs.
 *
 * DIR/verify: S writes DIR/result "pid=S lines=1 view=1 winch=1 term=1
 * winsize=1 fds=1 pkt=1 lock=1 hup=1 owner=1 queues=1 sent=N" (queues:
 * see DIR/queue below): lines: 50 numbered
 * lines each way on pairs 1 and 2 (in batches of 10), every answer once,
 * in order, numbering going on from the last verify; view: each J's view
 * is what S recorded at the start (its tty, own group in the foreground,
 * C's session, a controlling terminal, its mode); winch: after
 * TIOCSWINSZ on the master J caught one SIGWINCH more and sees the new
 * size; term: the termios (read through the master) as at the start;
 * winsize: as last set; fds: each master at its fd with its index,
 * O_NONBLOCK and FD_CLOEXEC; pkt: pair 2 in packet mode; lock: pair 3
 * locked, pair 1 not; hup: pair 4's master reads EIO; owner: /dev/pts/N1
 * is 1000:5 0600. A check failing writes 0 and the reason in DIR/why.
 * DIR/queue-in: S writes "xyz\n" to master 3 (4 bytes for slave 3's
 * canonical readers, and its echo for master 3); DIR/drain: S reads both
 * back ("in=4 out=5"). DIR/queue: S leaves "hello" for master 3's reader
 * (written on slave 3) and 7 bytes (with ^C, DEL, CR, NUL) for slave 5's
 * raw readers; the next verify reads both (queues=1: each exactly, then
 * nothing more; queues=none when nothing was left). Each command answers
 * in DIR/done-NAME.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define M1 10
#define M2 11
#define M3 12
#define S3 13
#define M4 14
#define M5 15
#define S5 16

static const char raw5[7] = { 'r', 3, 0x7f, '\r', '\n', 0, 'z' };

static const char *dir;

static void put(const char *name, const char *fmt, ...)
{
	char p[4096], tmp[4200];
	va_list ap;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f)
		exit(90);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f) || rename(tmp, p))
		exit(91);
}

/* DIR/name appeared: removed, 1. */
static int asked(const char *name)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return unlink(p) == 0;
}

static void die(const char *what)
{
	put("error", "%s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- the job J, on its terminal (fds 0-2) ---- */

static volatile sig_atomic_t winches;

static void on_winch(int sig)
{
	(void)sig;
	winches++;
}

static void say(const char *s)
{
	size_t n = strlen(s);

	if (write(1, s, n) != (ssize_t)n)
		exit(3);
}

static void view(void)
{
	struct winsize ws = { 0 };
	struct termios t;
	char out[512];
	int excl = -1, tty = open("/dev/tty", O_RDWR | O_NOCTTY);

	if (tty >= 0)
		close(tty);
	ioctl(0, TIOCGWINSZ, &ws);
	ioctl(0, TIOCGEXCL, &excl);
	tcgetattr(0, &t);
	snprintf(out, sizeof(out),
		 "R tty=%s pgrp=%d fg=%d sid=%d ctty=%d winch=%d rows=%d cols=%d excl=%d canon=%d\n",
		 ttyname(0) ? ttyname(0) : "?", getpgrp(), tcgetpgrp(0),
		 getsid(0), tty >= 0, (int)winches, ws.ws_row, ws.ws_col, excl,
		 !!(t.c_lflag & ICANON));
	say(out);
}

static void job(void)
{
	struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
	char line[256];
	size_t len = 0;

	sigaction(SIGWINCH, &sa, NULL);
	setpgid(0, 0);
	while (tcgetpgrp(0) != getpid())
		usleep(1000);
	say("READY\n");
	for (;;) {
		ssize_t n = read(0, line + len, 1);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			_exit(0);
		}
		if (line[len] != '\n' && len < sizeof(line) - 2) {
			len++;
			continue;
		}
		line[len] = '\0';
		len = 0;
		if (line[0] == 'L') {
			char out[300];

			snprintf(out, sizeof(out), "A %s\n", line + 2);
			say(out);
		} else if (line[0] == 'V') {
			view();
		}
	}
}

/* ---- C, the shell: its session, its terminal, its job ---- */

/* Group L made, M in it, L gone (a pipeline whose first command ended). */
static void leaderless_group(pid_t *l, pid_t *m)
{
	int go[2];
	char b;

	if (pipe(go))
		die("pipe");
	*l = fork();
	if (*l == 0) {
		setpgid(0, 0);
		close(go[1]);
		if (read(go[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	setpgid(*l, *l);
	*m = fork();
	if (*m == 0) {
		pid_t c = getppid();

		close(go[0]);
		close(go[1]);
		setpgid(0, *l);
		while (getppid() == c)
			sleep(1);
		_exit(0);
	}
	setpgid(*m, *l);
	close(go[0]);
	close(go[1]);
	waitpid(*l, NULL, 0);
}

static void shell(const char *pts, int raw, int report)
{
	struct termios t;
	pid_t j, l = 0, m = 0;
	int s;

	for (int fd = 3; fd < 1024; fd++)
		if (fd != report)
			close(fd);
	if (setsid() < 0)
		die("setsid");
	s = open(pts, O_RDWR);
	if (s < 0)
		die(pts);
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	if (s > 2)
		close(s);
	tcgetattr(0, &t);
	if (raw) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
	} else {
		t.c_lflag &= ~(ECHO | ECHONL);
		t.c_cc[VINTR] = 7;	/* ^G: a mode of its own */
	}
	tcsetattr(0, TCSANOW, &t);
	if (raw && ioctl(0, TIOCEXCL))
		die("TIOCEXCL");
	if (!raw)
		leaderless_group(&l, &m);
	signal(SIGTTOU, SIG_IGN);
	j = fork();
	if (j == 0) {
		close(report);
		signal(SIGTTOU, SIG_DFL);
		job();
	}
	setpgid(j, j);
	tcsetpgrp(0, j);
	dprintf(report, "%d %d %d\n", j, l, m);
	close(report);
	while (waitpid(j, NULL, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* ---- S, the server ---- */

struct pair {
	int m, pkt, index;
	pid_t c, j;
	char buf[4096];
	size_t len;
	struct termios term;
	struct winsize ws;
	int winch;
};

static struct pair pairs[2];
static long sent;	/* numbered lines sent on each pair, ever */
static char why[512];

static int fail(const char *fmt, ...)
{
	va_list ap;

	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int open_master(int at, int flags)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | flags);

	if (m < 0 || grantpt(m) || unlockpt(m))
		die("posix_openpt");
	if (dup2(m, at) < 0 ||
	    ((flags & O_CLOEXEC) && fcntl(at, F_SETFD, FD_CLOEXEC)))
		die("dup2");
	close(m);
	return at;
}

static int index_of(int m)
{
	int n = -1;

	return ioctl(m, TIOCGPTN, &n) ? -1 : n;
}

/* The next line the pair's J wrote ('\r' dropped, packet headers
 * stripped), within 10 s; NULL if none. */
static char *next_line(struct pair *p, char *out, size_t size)
{
	for (int tries = 0; tries < 1000; tries++) {
		char *nl = memchr(p->buf, '\n', p->len);
		struct pollfd pfd = { .fd = p->m, .events = POLLIN };
		char tmp[2048];
		ssize_t n;
		size_t k = 0;

		if (nl) {
			size_t l = nl - p->buf;

			if (l >= size)
				l = size - 1;
			memcpy(out, p->buf, l);
			out[l] = '\0';
			if (l && out[l - 1] == '\r')
				out[l - 1] = '\0';
			p->len -= nl + 1 - p->buf;
			memmove(p->buf, nl + 1, p->len);
			return out;
		}
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(p->m, tmp, sizeof(tmp));
		if (n <= 0)
			continue;
		if (p->pkt) {
			if (tmp[0] != TIOCPKT_DATA)
				continue;	/* a status byte alone */
			k = 1;
		}
		if (p->len + (size_t)n - k > sizeof(p->buf))
			return NULL;
		memcpy(p->buf + p->len, tmp + k, n - k);
		p->len += n - k;
	}
	return NULL;
}

static int send_line(struct pair *p, const char *s)
{
	size_t n = strlen(s);

	for (size_t off = 0; off < n;) {
		ssize_t w = write(p->m, s + off, n - off);

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (w > 0)
			off += w;
		else
			usleep(1000);
	}
	return 0;
}

/* J's view, asked with "V". */
static int ask_view(struct pair *p, int *winch, int *rows, int *cols,
		    char *out, size_t size)
{
	char tty[64];
	int pgrp, fg, sid, ctty, excl, canon;

	if (send_line(p, "V\n") || !next_line(p, out, size))
		return fail("pts/%d: no view", p->index);
	if (sscanf(out, "R tty=%63s pgrp=%d fg=%d sid=%d ctty=%d winch=%d rows=%d cols=%d excl=%d canon=%d",
		   tty, &pgrp, &fg, &sid, &ctty, winch, rows, cols, &excl,
		   &canon) != 10)
		return fail("pts/%d: view '%s'", p->index, out);
	return 1;
}

static int exchange(int count)
{
	char line[256], want[64];

	for (int b = 0; b < count; b += 10) {
		for (int i = 0; i < 2; i++)
			for (int k = 0; k < 10; k++) {
				snprintf(line, sizeof(line), "L %ld\n", sent + b + k);
				if (send_line(&pairs[i], line))
					return fail("pts/%d: write: %s",
						    pairs[i].index, strerror(errno));
			}
		for (int i = 0; i < 2; i++)
			for (int k = 0; k < 10; k++) {
				snprintf(want, sizeof(want), "A %ld", sent + b + k);
				if (!next_line(&pairs[i], line, sizeof(line)))
					return fail("pts/%d: no answer to line %ld",
						    pairs[i].index, sent + b + k);
				if (strcmp(line, want))
					return fail("pts/%d: '%s' for '%s'",
						    pairs[i].index, line, want);
			}
	}
	sent += count;
	return 1;
}

static int same_view(struct pair *p, int i)
{
	char out[512], want[512];
	int winch, rows, cols;

	if (!ask_view(p, &winch, &rows, &cols, out, sizeof(out)))
		return 0;
	snprintf(want, sizeof(want),
		 "R tty=/dev/pts/%d pgrp=%d fg=%d sid=%d ctty=1 winch=%d rows=%d cols=%d excl=%d canon=%d",
		 p->index, p->j, p->j, p->c, p->winch, p->ws.ws_row,
		 p->ws.ws_col, i == 1, i == 0);
	return strcmp(out, want) ? fail("view '%s', not '%s'", out, want) : 1;
}

/* A new size: one SIGWINCH for the foreground group, the size seen. */
static int winch(struct pair *p, int i)
{
	p->ws.ws_row++;
	p->ws.ws_col++;
	if (ioctl(p->m, TIOCSWINSZ, &p->ws))
		return fail("pts/%d: TIOCSWINSZ: %s", p->index, strerror(errno));
	p->winch++;
	return same_view(p, i);
}

static int term_kept(struct pair *p)
{
	struct termios t;
	struct winsize ws;

	if (tcgetattr(p->m, &t) || t.c_iflag != p->term.c_iflag ||
	    t.c_oflag != p->term.c_oflag || t.c_cflag != p->term.c_cflag ||
	    t.c_lflag != p->term.c_lflag || t.c_line != p->term.c_line ||
	    memcmp(t.c_cc, p->term.c_cc, sizeof(t.c_cc)) ||
	    cfgetispeed(&t) != cfgetispeed(&p->term) ||
	    cfgetospeed(&t) != cfgetospeed(&p->term))
		return fail("pts/%d: termios changed: %o %o %o %o, were %o %o %o %o",
			    p->index, t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag,
			    p->term.c_iflag, p->term.c_oflag, p->term.c_cflag,
			    p->term.c_lflag);
	if (ioctl(p->m, TIOCGWINSZ, &ws) ||
	    ws.ws_row != p->ws.ws_row || ws.ws_col != p->ws.ws_col)
		return fail("pts/%d: window size %dx%d", p->index, ws.ws_row,
			    ws.ws_col);
	return 1;
}

static int fd_is(int fd, int index, int nonblock, int cloexec)
{
	int fl = fcntl(fd, F_GETFL), fdf = fcntl(fd, F_GETFD);

	if (fl < 0 || fdf < 0 || index_of(fd) != index ||
	    !!(fl & O_NONBLOCK) != nonblock || !!(fdf & FD_CLOEXEC) != cloexec)
		return fail("fd %d: index %d flags 0%o fd flags %d", fd,
			    index_of(fd), fl, fdf);
	return 1;
}

static int n3, n4, n5, queued;

/* Exactly want (n bytes) readable on fd within 2 s, then nothing more. */
static int reads(int fd, const char *want, size_t n, const char *name)
{
	char got[64];
	size_t len = 0;

	for (int tries = 0; tries < 200; tries++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, len < n ? 10 : 200) != 1 || !(p.revents & POLLIN)) {
			if (len >= n)
				break;
			continue;
		}
		r = read(fd, got + len, sizeof(got) - len);
		if (r <= 0)
			break;
		len += r;
	}
	if (len != n || memcmp(got, want, n))
		return fail("%s: %zu bytes queued, not %zu as left", name, len, n);
	return 1;
}

static void verify(void)
{
	int lines, view = 1, win = 1, term = 1, fds, pkt = -1, l1 = -1,
	    l3 = -1, hup, owner, q = -1;
	char b, pts[64];
	struct stat st;

	why[0] = '\0';
	if (queued)
		q = reads(M3, "hello", 5, "master 3") & reads(S5, raw5, 7, "slave 5");
	queued = 0;
	lines = exchange(50);
	for (int i = 0; i < 2; i++) {
		view &= same_view(&pairs[i], i);
		win &= winch(&pairs[i], i);
		term &= term_kept(&pairs[i]);
	}
	fds = fd_is(M1, pairs[0].index, 0, 0) & fd_is(M2, pairs[1].index, 1, 0) &
		fd_is(M3, n3, 0, 1) & fd_is(M4, n4, 1, 0) & fd_is(M5, n5, 0, 0);
	ioctl(M2, TIOCGPKT, &pkt);
	ioctl(M1, TIOCGPTLCK, &l1);
	ioctl(M3, TIOCGPTLCK, &l3);
	hup = read(M4, &b, 1) < 0 && errno == EIO;
	snprintf(pts, sizeof(pts), "/dev/pts/%d", pairs[0].index);
	owner = !stat(pts, &st) && st.st_uid == 1000 && st.st_gid == 5 &&
		(st.st_mode & 07777) == 0600;
	if (!hup)
		fail("pair 4: read: %s", strerror(errno));
	snprintf(pts, sizeof(pts), "%d", q);
	put("result", "pid=%d lines=%d view=%d winch=%d term=%d winsize=%d fds=%d pkt=%d lock=%d hup=%d owner=%d queues=%s sent=%ld\n",
	    getpid(), lines, view, win, term, term, fds, pkt == 1,
	    l1 == 0 && l3 == 1, hup, owner, q < 0 ? "none" : pts, sent);
	put("why", "%s\n", why);
}

static void start_pair(struct pair *p, int at, int flags, int raw,
		       unsigned short rows, unsigned short cols,
		       pid_t *l, pid_t *m)
{
	char pts[64], line[256];
	int rep[2];
	FILE *f;

	p->m = open_master(at, flags);
	p->index = index_of(p->m);
	p->ws = (struct winsize){ .ws_row = rows, .ws_col = cols };
	if (ioctl(p->m, TIOCSWINSZ, &p->ws))
		die("TIOCSWINSZ");
	snprintf(pts, sizeof(pts), "/dev/pts/%d", p->index);
	if (pipe(rep))
		die("pipe");
	p->c = fork();
	if (p->c == 0) {
		close(rep[0]);
		shell(pts, raw, rep[1]);
	}
	close(rep[1]);
	f = fdopen(rep[0], "r");
	if (!f || fscanf(f, "%d %d %d", &p->j, l, m) != 3)
		die("shell report");
	fclose(f);
	if (!next_line(p, line, sizeof(line)) || strcmp(line, "READY"))
		die("job not ready");
	if (tcgetattr(p->m, &p->term))
		die("tcgetattr");
}

/* A process until its parent is gone. */
static void stay(void)
{
	pid_t p = getppid();

	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	while (getppid() == p)
		sleep(1);
	_exit(0);
}

/* K and D: D stays in the session K leaves after making it. */
static pid_t left_session(pid_t *d)
{
	int made[2];
	pid_t k;

	if (pipe(made))
		die("pipe");
	k = fork();
	if (k == 0) {
		pid_t dd = fork();

		if (dd == 0)
			stay();
		if (setsid() < 0 || write(made[1], &dd, sizeof(dd)) != sizeof(dd))
			_exit(1);
		stay();
	}
	close(made[1]);
	if (read(made[0], d, sizeof(*d)) != sizeof(*d))
		die("left session");
	close(made[0]);
	return k;
}

static void server(void)
{
	pid_t l, m, l2, m2, k, d;
	char pts[64], b[16];
	struct termios t;
	int on = 1, s;

	start_pair(&pairs[0], M1, 0, 0, 33, 111, &l, &m);
	snprintf(pts, sizeof(pts), "/dev/pts/%d", pairs[0].index);
	if (chown(pts, 1000, 5) || chmod(pts, 0600))
		die("chown");
	start_pair(&pairs[1], M2, O_NONBLOCK, 1, 44, 122, &l2, &m2);
	pairs[1].pkt = 1;
	if (ioctl(M2, TIOCPKT, &on))
		die("TIOCPKT");
	open_master(M3, O_CLOEXEC);
	n3 = index_of(M3);
	snprintf(pts, sizeof(pts), "/dev/pts/%d", n3);
	s = open(pts, O_RDWR | O_NOCTTY);
	if (s < 0 || dup2(s, S3) < 0 || ioctl(M3, TIOCSPTLCK, &on))
		die("pair 3");
	close(s);
	open_master(M4, O_NONBLOCK);
	n4 = index_of(M4);
	snprintf(pts, sizeof(pts), "/dev/pts/%d", n4);
	s = open(pts, O_RDWR | O_NOCTTY);
	if (s < 0)
		die("pair 4");
	close(s);
	open_master(M5, 0);
	n5 = index_of(M5);
	snprintf(pts, sizeof(pts), "/dev/pts/%d", n5);
	s = open(pts, O_RDWR | O_NOCTTY);
	if (s < 0 || dup2(s, S5) < 0 || tcgetattr(S5, &t))
		die("pair 5");
	close(s);
	cfmakeraw(&t);
	if (tcsetattr(S5, TCSANOW, &t))
		die("pair 5 raw");
	k = left_session(&d);
	put("info", "pid=%d c1=%d j1=%d n1=%d c2=%d j2=%d n2=%d l=%d m=%d n3=%d n4=%d n5=%d k=%d d=%d\n",
	    getpid(), pairs[0].c, pairs[0].j, pairs[0].index, pairs[1].c,
	    pairs[1].j, pairs[1].index, l, m, n3, n4, n5, k, d);
	for (;;) {
		if (asked("verify"))
			verify();
		if (asked("queue-in"))
			put("done-queue-in", "%zd\n", write(M3, "xyz\n", 4));
		if (asked("queue")) {
			queued = 1;
			put("done-queue", "%zd %zd\n", write(S3, "hello", 5),
			    write(M5, raw5, sizeof(raw5)));
		}
		if (asked("drain")) {
			int fl = fcntl(S3, F_GETFL);
			ssize_t a, c;

			fcntl(S3, F_SETFL, fl | O_NONBLOCK);
			a = read(S3, b, sizeof(b));
			fcntl(S3, F_SETFL, fl);
			fl = fcntl(M3, F_GETFL);
			fcntl(M3, F_SETFL, fl | O_NONBLOCK);
			c = read(M3, b, sizeof(b));
			fcntl(M3, F_SETFL, fl);
			put("done-drain", "in=%zd out=%zd\n", a, c);
		}
		usleep(50000);
	}
}

int main(int argc, char **argv)
{
	pid_t s;

	if (argc != 2)
		return 2;
	dir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	s = fork();
	if (s < 0)
		return 1;
	if (s > 0)
		return 0;
	if (setsid() < 0)
		die("setsid");
	server();
	return 0;
}
