/* fd-cost N: what the fd stage costs per fd, natively. A child holds N
 * fds of one kind from fd 100 on (/dev/null opened N times, the stage's
 * own cost; eventfds holding 1..N, every other in semaphore mode;
 * periodic timerfds; or eventfds that one epoll at fd 99 watches); the parent captures its files as checkpoint does
 * (qr_capture_files into an image), reads the image back and makes every
 * file as restore does (qr_files_make), and checks each eventfd made holds
 * what the child's did. Prints per kind the time of each step, whole and
 * per fd. The epoll targets are added again by the restored process
 * itself (place), not timed here. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fds/fds.h"
#include "fds/table.h"
#include "image/image.h"

static uint8_t regs[QRI_REGS_SIZE], xstate[QRI_XSTATE_MIN];

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void child(const char *kind, int n, int ready)
{
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	int ep = -1, null = open("/dev/null", O_RDWR);

	/* Nothing but what is measured, and /dev/null as 0, 1, 2. */
	if (ready != 98 && (dup2(ready, 98) != 98 || close(ready)))
		_exit(1);
	ready = 98;
	for (int i = 0; i < 3; i++)
		if (dup2(null, i) != i)
			_exit(1);
	close_range(3, 97, 0);
	if (!strcmp(kind, "epoll"))
		ep = dup3(epoll_create1(EPOLL_CLOEXEC), 99, 0);
	if (ep >= 0)
		close_range(3, 97, 0);
	for (int i = 0; i < n; i++) {
		int fd = !strcmp(kind, "timerfd") ?
			timerfd_create(CLOCK_MONOTONIC, 0) :
			!strcmp(kind, "null") ? open("/dev/null", O_RDONLY) :
			eventfd(i + 1, i % 2 ? EFD_SEMAPHORE : 0);
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

		if (fd < 0 || dup2(fd, 100 + i) != 100 + i)
			_exit(1);
		close(fd);
		if (!strcmp(kind, "timerfd") && timerfd_settime(100 + i, 0, &its, NULL))
			_exit(1);
		if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, 100 + i, &ev))
			_exit(1);
	}
	close(ready);	/* the parent reads its end of file */
	pause();
	_exit(0);
}

/* An eventfd's counter (fdinfo). */
static long long count_of(int fd)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static int one(const char *kind, int n)
{
	struct qri_process p = { .umask = 022, .comm = "fd-cost" };
	struct qri_thread t = { .regs_len = sizeof(regs),
				.xstate_len = sizeof(xstate) };
	double t0, t1, t2, t3;
	struct qri_writer w;
	struct qri_image img;
	struct qr_files files;
	struct qr_err e;
	int pfd[2], bad = 0;
	pid_t pid;
	char c;

	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		child(kind, n, pfd[1]);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &c, 1) != 0)
		return 1;
	close(pfd[0]);
	p.pid = p.ppid = p.pgid = p.sid = pid;
	t.pid = t.tid = pid;
	qri_writer_init(&w, "fd-cost");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	t0 = now_us();
	if (qr_capture_files(&w, &pid, 1))
		bad = 1;
	t1 = now_us();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (bad || qri_finish(&w) || qri_parse(w.buf, w.len, &img, &e)) {
		fprintf(stderr, "%s: capture or image failed\n", kind);
		return 1;
	}
	t2 = now_us();
	if (qr_files_make(&files, &img))
		return 1;
	t3 = now_us();
	if (!strcmp(kind, "eventfd"))
		for (size_t i = 0; i < img.procs[0].nfds; i++) {
			const struct qri_fd_img *fd = &img.procs[0].fds[i];

			if (fd->f.fd >= 100 &&
			    count_of(files.fd[fd->file]) != fd->f.fd - 99)
				bad++;
		}
	printf("%-8s n=%d files=%zu capture %.0f us (%.2f us/fd), make %.0f us (%.2f us/fd)%s\n",
	       kind, n, img.nfiles, t1 - t0, (t1 - t0) / n, t3 - t2,
	       (t3 - t2) / n, bad ? " COUNTERS DIFFER" : "");
	qr_files_close(&files);
	qri_free(&img);
	qri_writer_free(&w);
	return !!bad;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, rc = 0;
	struct rlimit r = { 2 * n + 4096, 2 * n + 4096 };

	if (n < 1 || setrlimit(RLIMIT_NOFILE, &r)) {
		fprintf(stderr, "usage: fd-cost N (as root: 2N + 4096 files)\n");
		return 2;
	}
	rc |= one("null", n);
	rc |= one("eventfd", n);
	rc |= one("timerfd", n);
	rc |= one("epoll", n);
	return rc;
}
