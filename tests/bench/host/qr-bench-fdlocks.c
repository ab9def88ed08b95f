/*
 * qr-bench-fdlocks [N]: the cost per lock and per inotify watch of
 * capture and restore, on this host's kernel, through the kinds' own
 * functions (fds/locks.h, the inotify kind). A child holds N POSIX locks
 * (every other byte of a file, so none merge), N OFD locks on another
 * file, and an inotify fd with N watches on N files; it is captured as
 * `check` and `checkpoint` do, then restored as restore does: watches in
 * open, locks in place (here as this process's: the child is gone). Prints one line per measure,
 * microseconds per item, median of 5.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fds/kind.h"
#include "fds/locks.h"
#include "fds/table.h"

#define RUNS 5

static char dir[] = "/tmp/qr-bench-fdlocks.XXXXXX";
static int n = 1000;

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp);
	return v[RUNS / 2];
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int make(const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CREAT, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static void lock(int fd, int cmd, off_t start)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = 1 };

	if (fcntl(fd, cmd, &l))
		die("lock");
}

/* fd moved to number want (a POSIX lock would go with any close of
 * another fd of its file: moved before any is taken). */
static void move(int fd, int want)
{
	if (fd < 0 || (fd != want && (dup2(fd, want) != want || close(fd))))
		die("move");
}

/* The child: fds 3 (POSIX locks), 4 (OFD locks), 5 (inotify). */
static void hold(int ready)
{
	move(make("posix", O_RDWR), 3);
	move(make("ofd", O_RDWR), 4);
	move(inotify_init1(0), 5);
	for (int i = 0; i < n; i++) {
		lock(3, F_SETLK, 2 * i);
		lock(4, F_OFD_SETLK, 2 * i);
	}
	for (int i = 0; i < n; i++) {
		char name[32], path[PATH_MAX];

		snprintf(name, sizeof(name), "w%d", i);
		close(make(name, O_RDONLY));
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (inotify_add_watch(5, path, IN_MODIFY) != i + 1)
			die("inotify_add_watch");
	}
	if (write(ready, "", 1) != 1)
		die("ready");
	pause();
	exit(0);
}

/* One capture of pid's fd by kind: the data in *data. */
static double capture(const struct qr_fd_kind *kind, pid_t pid, int fd,
		      struct qri_file *f, struct qr_strbuf *data)
{
	char path[64], link[PATH_MAX];
	struct stat st;
	ssize_t len;
	double t;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0 || stat(path, &st))
		die(path);
	link[len] = '\0';
	free(data->s);
	memset(data, 0, sizeof(*data));
	memset(f, 0, sizeof(*f));
	f->kind = kind->kind;
	f->open_flags = O_RDWR;
	t = now_us();
	if (kind->capture(&(struct qr_fd_capture){ .pid = pid, .fd = fd,
		.link = link, .st = &st, .f = f, .data = data }))
		exit(1);
	return now_us() - t;
}

static struct qri_file_img img_of(struct qri_file *f, struct qr_strbuf *d,
				  const char *name)
{
	static char path[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	f->data_len = d->len;
	return (struct qri_file_img){ .f = *f, .path = path[k], .data = (uint8_t *)d->s };
}

int main(int argc, char **argv)
{
	double cap_posix[RUNS], cap_ofd[RUNS], cap_watch[RUNS], rst_ofd[RUNS],
	       rst_posix[RUNS], rst_watch[RUNS];
	struct qr_strbuf dp = { 0 }, dof = { 0 }, din = { 0 };
	struct qri_file fp, fo, fi;
	struct qri_image image = { 0 };
	struct qr_files t = { .img = &image };
	char c, path[PATH_MAX + 16];
	int ready[2];
	pid_t h;

	if (argc > 1)
		n = atoi(argv[1]);
	alarm(120);
	if (n < 1 || !mkdtemp(dir) || pipe(ready))
		die("setup");
	/* The child's fds 3-5 are its own: the pipe above them. */
	move(ready[0], 10);
	move(ready[1], 11);
	ready[0] = 10;
	ready[1] = 11;
	h = fork();
	if (!h)
		hold(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		die("child");
	for (int r = 0; r < RUNS; r++) {
		cap_posix[r] = capture(&qr_fd_file, h, 3, &fp, &dp) / n;
		cap_ofd[r] = capture(&qr_fd_file, h, 4, &fo, &dof) / n;
		cap_watch[r] = capture(&qr_fd_inotify, h, 5, &fi, &din) / n;
	}
	if (dp.len != sizeof(struct qri_locks_head) + n * sizeof(struct qri_lock) ||
	    dof.len != sizeof(struct qri_locks_head) + n * sizeof(struct qri_lock)) {
		fprintf(stderr, "captured %zu and %zu bytes of locks, not %d locks each\n",
			dp.len, dof.len, n);
		return 1;
	}
	kill(h, SIGKILL);
	waitpid(h, NULL, 0);
	for (int r = 0; r < RUNS; r++) {
		struct qri_file_img of = img_of(&fo, &dof, "ofd"),
				    pf = img_of(&fp, &dp, "posix"),
				    inf = img_of(&fi, &din, "inotify");
		struct qri_proc_img pr = { .p.pid = getpid() };
		struct qri_fd_img pfd = { .f.fd = 3 };
		double t0;
		int fd;

		struct qri_fd_img ofd = { .f.fd = 4 };

		if (dup2(open(of.path, O_RDWR), 4) != 4)
			die("dup2");
		t0 = now_us();
		if (qr_locks_open(&t, &of, 4) || qr_locks_place(&pr, &ofd, &of))
			return 1;
		rst_ofd[r] = (now_us() - t0) / n;
		close(4);
		/* The POSIX locks were the child's: taken as ours here. */
		for (int i = 0; i < n; i++)
			((struct qri_lock *)(dp.s + sizeof(struct qri_locks_head)))[i].pid = getpid();
		pf.data = (uint8_t *)dp.s;
		if (dup2(open(pf.path, O_RDWR), 3) != 3)
			die("dup2");
		t0 = now_us();
		if (qr_locks_place(&pr, &pfd, &pf))
			return 1;
		rst_posix[r] = (now_us() - t0) / n;
		close(3);
		t0 = now_us();
		fd = qr_fd_inotify.open(&t, &inf);
		if (fd < 0)
			return 1;
		rst_watch[r] = (now_us() - t0) / n;
		close(fd);
	}
	printf("%d items, median of %d, microseconds per item\n", n, RUNS);
	printf("capture POSIX lock   %.2f\n", median(cap_posix));
	printf("capture OFD lock     %.2f\n", median(cap_ofd));
	printf("capture inotify watch %.2f\n", median(cap_watch));
	printf("restore OFD lock     %.2f\n", median(rst_ofd));
	printf("restore POSIX lock   %.2f\n", median(rst_posix));
	printf("restore inotify watch %.2f\n", median(rst_watch));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	return system(path) ? 1 : 0;
}
