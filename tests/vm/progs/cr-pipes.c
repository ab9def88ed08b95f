/*
 * cr-pipes DIR: pipes and a FIFO for checkpoint/restore scenarios, data in
 * flight in every queue. The root R makes pipe A (raised to 256 KiB with
 * F_SETPIPE_SZ) and pipe B (64 KiB) and forks a pipeline:
 *   P  writes records 1..TOTAL to A (fd 10, O_NONBLOCK),
 *   F  reads A (fd 11, FD_CLOEXEC), checks each record follows the last,
 *      and writes it transformed to B (fd 12),
 *   C  reads B (fd 13) only once P has seen DIR/go, so that both pipes fill
 *      up and stay full: P and C each write DIR/a-full and DIR/b-full
 *      ("queued=N") once their pipe has not moved for two seconds.
 * A record is 16 bytes: the sequence number and a check word (seq ^ AMAGIC
 * in A, seq * 3 + 7 in B): a lost, repeated or reordered byte shows.
 * R then holds a pipe's read end only (fd 14, FD_CLOEXEC; 5000 bytes
 * queued, the write end closed) and a pipe's write end only (fd 15,
 * O_NONBLOCK; the read end closed), opens the FIFO DIR/fifo O_RDWR (fd 16,
 * raised to 128 KiB), queues 300 records in it, and forks K, which shares
 * fd 16 and opens the FIFO again O_WRONLY|O_NONBLOCK (fd 17) and
 * O_RDONLY|O_NONBLOCK|O_CLOEXEC (fd 18).
 * DIR/info holds "r=R p=P f=F c=C k=K" once all is set up.
 * When DIR/go appears each checks its own state and writes DIR/res.X
 * (X = P F C R K), "key=value" words, fdok=1 when its fds have their
 * numbers, access modes, O_NONBLOCK and FD_CLOEXEC as set up:
 *   P: a_queued (FIONREAD of A when it saw go) a_size wrote=TOTAL fdok
 *   F: fwd (records forwarded) bad (out of sequence) a_size fdok
 *   C: b_queued (FIONREAD of B before its first read) b_size got bad fdok
 *   R: one_read (bytes of fd 14 before EOF, 5000) one_ok (their pattern)
 *      one_eof epipe (a write to fd 15 fails EPIPE) fifo_back (the record
 *      K wrote through fd 17 read through fd 16) fdok
 *   K: fifo_read (bytes queued in the FIFO, 4800) fifo_bad fifo_size
 *      shared (fd 16 is R's open file description: kcmp) apart (fd 17 is
 *      not) fdok
 * cr-pipes --outside DIR: a kept process whose pipe's other end is held
 * outside: the parent, named pipe-holder, keeps the write end and forks a
 * child that keeps the read end; both open the FIFO DIR/ofifo too, and
 * the child holds a pipe in packet mode (O_DIRECT), which is not carried;
 * DIR/info "kept=CHILD outside=PARENT".
 * cr-pipes --many N DIR: N pipes, both ends held, each full (64 KiB), to
 * measure the cost per pipe of capture and restore; DIR/info "pid=P".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TOTAL 60000ull
#define AMAGIC 0x4141414141414141ull
#define FMAGIC 0x4646464646464646ull
#define A_SIZE (256 * 1024)
#define FIFO_SIZE (128 * 1024)
#define ONE_LEN 5000
#define FIFO_RECS 300
#define KCMP_FILE 0

struct rec {
	uint64_t seq, chk;
};

static const char *dir;

static void die(const char *what)
{
	fprintf(stderr, "cr-pipes: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static int exists(const char *name)
{
	char p[4096];

	path(p, sizeof(p), name);
	return !access(p, F_OK);
}

/* DIR/name replaced whole by text. */
static void put(const char *name, const char *text)
{
	char p[4096], tmp[4200];
	FILE *f;

	path(p, sizeof(p), name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f)
		die(tmp);
	fputs(text, f);
	if (fclose(f) || rename(tmp, p))
		die(p);
}

static void nap(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static void wait_for(const char *name)
{
	while (!exists(name))
		nap(100);
}

static void idle(void)
{
	for (;;)
		pause();
}

static int queued(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* fd as set up: its number open with this access mode, O_NONBLOCK and
 * FD_CLOEXEC; names the first that is not on stderr. */
static int fd_is(int fd, int acc, int nonblock, int cloexec)
{
	int fl = fcntl(fd, F_GETFL), fdf = fcntl(fd, F_GETFD);

	if (fl < 0 || fdf < 0 || (fl & O_ACCMODE) != acc ||
	    !!(fl & O_NONBLOCK) != nonblock || !!(fdf & FD_CLOEXEC) != cloexec) {
		fprintf(stderr, "cr-pipes: fd %d: flags %o fd flags %o\n", fd, fl, fdf);
		return 0;
	}
	return 1;
}

/* Moves fd to number to, with FD_CLOEXEC if cloexec. */
static void place(int fd, int to, int cloexec)
{
	if (fd != to) {
		if (dup2(fd, to) < 0)
			die("dup2");
		close(fd);
	}
	if (fcntl(to, F_SETFD, cloexec ? FD_CLOEXEC : 0))
		die("F_SETFD");
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		p += n;
		len -= n;
	}
}

/* Reads whole records: fills r[0..max) from fd, keeping a partial one for
 * the next call; 0 at EOF. */
struct reader {
	int fd;
	size_t have;
	char buf[4096 + sizeof(struct rec)];
};

static size_t read_recs(struct reader *rd, struct rec *r, size_t max)
{
	size_t n;

	for (;;) {
		ssize_t got;

		if (rd->have >= sizeof(*r))
			break;
		got = read(rd->fd, rd->buf + rd->have, 4096);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("read");
		if (!got)
			return 0;
		rd->have += got;
	}
	n = rd->have / sizeof(*r);
	if (n > max)
		n = max;
	memcpy(r, rd->buf, n * sizeof(*r));
	rd->have -= n * sizeof(*r);
	memmove(rd->buf, rd->buf + n * sizeof(*r), rd->have);
	return n;
}

/* Whether fd's queue has not moved for two seconds, more than 0 queued:
 * then writes DIR/name "queued=N" (once). */
struct still {
	int last, rounds, said;
};

static void note_still(struct still *s, int fd, const char *name)
{
	int q = queued(fd);
	char text[64];

	if (s->said)
		return;
	s->rounds = q > 0 && q == s->last ? s->rounds + 1 : 0;
	s->last = q;
	if (s->rounds < 10)
		return;
	snprintf(text, sizeof(text), "queued=%d\n", q);
	put(name, text);
	s->said = 1;
}

static void producer(int a)
{
	uint64_t pos = 0, end = TOTAL * sizeof(struct rec);
	struct rec buf[257];
	struct still s = { 0 };
	int a_queued = -1, a_size = -1, fdok = 0, seen = 0;
	char text[256];

	while (pos < end) {
		uint64_t first = pos / sizeof(struct rec);
		size_t off = pos % sizeof(struct rec), len = 4096;
		ssize_t n;

		if (!seen && exists("go")) {
			a_queued = queued(a);
			a_size = fcntl(a, F_GETPIPE_SZ);
			fdok = fd_is(10, O_WRONLY, 1, 0);
			put("p-seen", "");
			seen = 1;
		}
		for (size_t i = 0; i < 257; i++)
			buf[i] = (struct rec){ first + 1 + i, (first + 1 + i) ^ AMAGIC };
		if (len > end - pos)
			len = end - pos;
		n = write(a, (char *)buf + off, len);
		if (n > 0) {
			pos += n;
			s.rounds = 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("producer write");
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { a, POLLOUT, 0 };

			if (!poll(&pfd, 1, 200))
				note_still(&s, a, "a-full");
		}
	}
	close(a);
	snprintf(text, sizeof(text), "a_queued=%d a_size=%d wrote=%llu fdok=%d\n",
		 a_queued, a_size, (unsigned long long)TOTAL, fdok);
	put("res.P", text);
	idle();
}

static void filter(int a, int b)
{
	struct reader rd = { .fd = a };
	uint64_t expect = 1, bad = 0;
	struct rec r[256];
	size_t n;
	int a_size, fdok;
	char text[256];

	while ((n = read_recs(&rd, r, 256))) {
		for (size_t i = 0; i < n; i++) {
			if (r[i].seq != expect || r[i].chk != (r[i].seq ^ AMAGIC))
				bad++;
			expect = r[i].seq + 1;
			r[i].chk = r[i].seq * 3 + 7;
		}
		write_all(b, r, n * sizeof(r[0]));
	}
	a_size = fcntl(a, F_GETPIPE_SZ);
	fdok = fd_is(11, O_RDONLY, 0, 1) && fd_is(12, O_WRONLY, 0, 0);
	close(b);
	snprintf(text, sizeof(text), "fwd=%llu bad=%llu a_size=%d partial=%zu fdok=%d\n",
		 (unsigned long long)expect - 1, (unsigned long long)bad, a_size,
		 rd.have, fdok);
	put("res.F", text);
	idle();
}

static void consumer(int b)
{
	struct reader rd = { .fd = b };
	uint64_t expect = 1, got = 0, bad = 0;
	struct still s = { 0 };
	int b_queued, b_size, fdok;
	struct rec r[256];
	char text[256];
	size_t n;

	while (!exists("p-seen")) {
		note_still(&s, b, "b-full");
		nap(200);
	}
	b_queued = queued(b);
	b_size = fcntl(b, F_GETPIPE_SZ);
	fdok = fd_is(13, O_RDONLY, 0, 0);
	while ((n = read_recs(&rd, r, 256))) {
		for (size_t i = 0; i < n; i++) {
			if (r[i].seq != expect || r[i].chk != r[i].seq * 3 + 7)
				bad++;
			expect = r[i].seq + 1;
			got++;
		}
	}
	snprintf(text, sizeof(text), "b_queued=%d b_size=%d got=%llu bad=%llu partial=%zu fdok=%d\n",
		 b_queued, b_size, (unsigned long long)got, (unsigned long long)bad,
		 rd.have, fdok);
	put("res.C", text);
	idle();
}

static unsigned char one_byte(int i)
{
	return (unsigned char)(i * 7 % 251);
}

/* R's own checks: the pipes with one end, then the FIFO once K wrote. */
static void root_verify(void)
{
	int one_read = 0, one_ok = 1, one_eof = 0, epipe, fifo_back = 0, fdok;
	struct pollfd pfd = { 16, POLLIN, 0 };
	unsigned char buf[4096];
	struct rec r;
	char text[256];
	ssize_t n;

	fdok = fd_is(14, O_RDONLY, 0, 1) && fd_is(15, O_WRONLY, 1, 0) &&
		fd_is(16, O_RDWR, 0, 0);
	while ((n = read(14, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != one_byte(one_read + i))
				one_ok = 0;
		one_read += n;
	}
	one_eof = n == 0;
	epipe = write(15, "x", 1) < 0 && errno == EPIPE;
	wait_for("k-wrote");
	if (poll(&pfd, 1, 10000) == 1 && read(16, &r, sizeof(r)) == sizeof(r))
		fifo_back = r.seq == FIFO_RECS + 1 && r.chk == (r.seq ^ FMAGIC);
	snprintf(text, sizeof(text), "one_read=%d one_ok=%d one_eof=%d epipe=%d fifo_back=%d fdok=%d\n",
		 one_read, one_ok, one_eof, epipe, fifo_back, fdok);
	put("res.R", text);
}

static void fifo_child(pid_t r)
{
	int fifo_read = 0, fifo_bad = 0, shared, apart, fdok, size;
	struct rec rec[64], back = { FIFO_RECS + 1, (FIFO_RECS + 1) ^ FMAGIC };
	uint64_t expect = 1;
	char text[256];
	ssize_t n;

	wait_for("go");
	fdok = fd_is(16, O_RDWR, 0, 0) && fd_is(17, O_WRONLY, 1, 0) &&
		fd_is(18, O_RDONLY, 1, 1);
	size = fcntl(18, F_GETPIPE_SZ);
	/* O_NONBLOCK: every queued record, then EAGAIN (fd 16 is a writer). */
	while ((n = read(18, rec, sizeof(rec))) > 0) {
		if (n % sizeof(rec[0]))
			fifo_bad++;
		for (size_t i = 0; i < n / sizeof(rec[0]); i++) {
			if (rec[i].seq != expect || rec[i].chk != (rec[i].seq ^ FMAGIC))
				fifo_bad++;
			expect = rec[i].seq + 1;
		}
		fifo_read += n;
	}
	if (n == 0 || errno != EAGAIN)
		fifo_bad++;
	shared = syscall(SYS_kcmp, r, getpid(), KCMP_FILE, 16, 16) == 0;
	apart = syscall(SYS_kcmp, r, getpid(), KCMP_FILE, 16, 17) != 0;
	write_all(17, &back, sizeof(back));
	put("k-wrote", "");
	snprintf(text, sizeof(text), "fifo_read=%d fifo_bad=%d fifo_size=%d shared=%d apart=%d fdok=%d\n",
		 fifo_read, fifo_bad, size, shared, apart, fdok);
	put("res.K", text);
	idle();
}

static pid_t spawn(void)
{
	pid_t p = fork();

	if (p < 0)
		die("fork");
	return p;
}

static void pipe_at(int *p, int flags)
{
	if (pipe2(p, flags))
		die("pipe2");
}

static int outside(void)
{
	char text[128], fifo[4096];
	int p[2], f;
	pid_t c;

	path(fifo, sizeof(fifo), "ofifo");
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		die("mkfifo");
	f = open(fifo, O_RDWR);
	if (f < 0)
		die(fifo);
	pipe_at(p, 0);
	c = spawn();
	if (!c) {
		int packets[2];

		close(p[1]);
		pipe_at(packets, O_DIRECT);
		idle();
	}
	close(p[0]);
	prctl(PR_SET_NAME, "pipe-holder");
	snprintf(text, sizeof(text), "kept=%d outside=%d\n", (int)c, (int)getpid());
	put("info", text);
	idle();
	return 0;
}

static int many(int n)
{
	static unsigned char full[65536];
	char text[64];

	memset(full, 'm', sizeof(full));
	for (int i = 0; i < n; i++) {
		int p[2];

		pipe_at(p, 0);
		write_all(p[1], full, sizeof(full));
	}
	snprintf(text, sizeof(text), "pid=%d\n", (int)getpid());
	put("info", text);
	idle();
	return 0;
}

int main(int argc, char **argv)
{
	int a[2], b[2], one[2], wr[2], fd;
	unsigned char buf[ONE_LEN];
	pid_t r = getpid(), p, f, c, k;
	char fifo[4096], text[256];

	if (argc == 3 && !strcmp(argv[1], "--outside")) {
		dir = argv[2];
		return outside();
	}
	if (argc == 4 && !strcmp(argv[1], "--many")) {
		dir = argv[3];
		return many(atoi(argv[2]));
	}
	if (argc != 2) {
		fprintf(stderr, "usage: cr-pipes DIR | cr-pipes --outside DIR | cr-pipes --many N DIR\n");
		return 2;
	}
	dir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	pipe_at(a, 0);
	pipe_at(b, 0);
	if (fcntl(a[0], F_SETPIPE_SZ, A_SIZE) != A_SIZE)
		die("F_SETPIPE_SZ");
	p = spawn();
	if (!p) {
		close(a[0]), close(b[0]), close(b[1]);
		place(a[1], 10, 0);
		if (fcntl(10, F_SETFL, O_NONBLOCK))
			die("F_SETFL");
		producer(10);
	}
	f = spawn();
	if (!f) {
		close(a[1]), close(b[0]);
		place(a[0], 11, 1);
		place(b[1], 12, 0);
		filter(11, 12);
	}
	c = spawn();
	if (!c) {
		close(a[0]), close(a[1]), close(b[1]);
		place(b[0], 13, 0);
		consumer(13);
	}
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);

	pipe_at(one, 0);
	for (int i = 0; i < ONE_LEN; i++)
		buf[i] = one_byte(i);
	write_all(one[1], buf, ONE_LEN);
	close(one[1]);
	place(one[0], 14, 1);
	pipe_at(wr, O_NONBLOCK);
	write_all(wr[1], "dead", 4);
	close(wr[0]);
	place(wr[1], 15, 0);

	path(fifo, sizeof(fifo), "fifo");
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		die("mkfifo");
	fd = open(fifo, O_RDWR);
	if (fd < 0)
		die(fifo);
	place(fd, 16, 0);
	if (fcntl(16, F_SETPIPE_SZ, FIFO_SIZE) != FIFO_SIZE)
		die("F_SETPIPE_SZ fifo");
	for (uint64_t i = 1; i <= FIFO_RECS; i++) {
		struct rec rec = { i, i ^ FMAGIC };

		write_all(16, &rec, sizeof(rec));
	}
	k = spawn();
	if (!k) {
		fd = open(fifo, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			die("fifo O_WRONLY");
		place(fd, 17, 0);
		fd = open(fifo, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			die("fifo O_RDONLY");
		place(fd, 18, 1);
		fifo_child(r);
	}
	snprintf(text, sizeof(text), "r=%d p=%d f=%d c=%d k=%d\n", (int)r, (int)p,
		 (int)f, (int)c, (int)k);
	put("info", text);
	wait_for("go");
	root_verify();
	idle();
	return 0;
}
