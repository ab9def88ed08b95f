/*
 * Benchmark (not a test): what a UNIX socket costs the checkpoint and the
 * restore, per socket, on this machine. N stream socketpairs with 64 bytes
 * queued in each end are captured as `checkpoint` does (the kind's match
 * and capture per socket, then check_set over all), closed, and made
 * again by restore's file table (socketpair, queues written back). Prints
 * microseconds per socket for each phase. Needs root (pidfd_getfd of
 * itself is fine unprivileged; SO_SNDBUFFORCE is not).
 *   make -C userspace && gcc -O2 -Iuserspace/src -o /tmp/unix-cost \
 *     tests/bench/unix/cost.c userspace/build/obj/libquickreboot.a \
 *     $(pkg-config --libs libkmod mount) && /tmp/unix-cost 1000
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fds/kind.h"
#include "fds/table.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* The n pairs, made by a child that has exited since: their peer
 * credentials name a PID that restore can take for the helper that makes
 * them again, as after a reboot. */
static int pairs_from_child(int n, int *fds)
{
	char msg[64], cbuf[CMSG_SPACE(2 * sizeof(int))];
	int ch[2], st;
	pid_t kid;

	memset(msg, 'm', sizeof(msg));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ch) || (kid = fork()) < 0) {
		perror("socketpair");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct iovec iov = { msg, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };
		int p[2];

		if (!kid) {
			struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

			if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) ||
			    write(p[0], msg, 64) != 64 || write(p[1], msg, 64) != 64)
				_exit(1);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(p));
			memcpy(CMSG_DATA(cm), p, sizeof(p));
			if (sendmsg(ch[1], &m, 0) != 1)
				_exit(1);
			close(p[0]);
			close(p[1]);
			continue;
		}
		if (recvmsg(ch[0], &m, 0) != 1 || !CMSG_FIRSTHDR(&m)) {
			perror("recvmsg");
			return -1;
		}
		memcpy(&fds[2 * i], CMSG_DATA(CMSG_FIRSTHDR(&m)), 2 * sizeof(int));
	}
	if (!kid)
		_exit(0);
	close(ch[0]);
	close(ch[1]);
	return waitpid(kid, &st, 0) == kid && !st ? 0 : -1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, *fds;
	struct rlimit r = { 4 * n + 256, 4 * n + 256 };
	struct qri_file_img *files;
	struct qr_fd_seen *seen;
	struct qri_image img = { 0 };
	struct qr_fd_set set;
	struct qr_files t;
	double t0, t1, t2, t3;

	if (n < 1 || setrlimit(RLIMIT_NOFILE, &r)) {
		perror("setrlimit");
		return 1;
	}
	fds = calloc(2 * n, sizeof(*fds));
	files = calloc(2 * n, sizeof(*files));
	seen = calloc(2 * n, sizeof(*seen));
	if (pairs_from_child(n, fds))
		return 1;
	t0 = now_us();
	for (int i = 0; i < 2 * n; i++) {
		struct qr_strbuf data = { 0 };
		struct qri_file f = { .id = i + 1, .kind = QRI_FD_UNIX };
		char link[64];
		struct stat st;
		struct qr_fd_capture c = { getpid(), fds[i], link, &st, &f, &data, false };

		fstat(fds[i], &st);
		snprintf(link, sizeof(link), "socket:[%lu]", (unsigned long)st.st_ino);
		f.open_flags = fcntl(fds[i], F_GETFL);
		if (!qr_fd_unix.match(link, &st) || qr_fd_unix.capture(&c))
			return 1;
		f.data_len = data.len;
		files[i] = (struct qri_file_img){ f, NULL, (uint8_t *)data.s };
		seen[i] = (struct qr_fd_seen){ getpid(), fds[i], f.id, QRI_FD_UNIX,
					       f.object, st.st_dev, st.st_ino };
	}
	t1 = now_us();
	set = (struct qr_fd_set){ seen, 2 * n };
	if (qr_fd_unix.check_set(&set))
		return 1;
	t2 = now_us();
	for (int i = 0; i < 2 * n; i++)
		close(fds[i]);
	img.files = files;
	img.nfiles = 2 * n;
	if (qr_files_make(&t, &img))
		return 1;
	t3 = now_us();
	printf("sockets=%d capture_us_per_socket=%.1f check_set_us_per_socket=%.1f restore_us_per_socket=%.1f\n",
	       2 * n, (t1 - t0) / (2 * n), (t2 - t1) / (2 * n), (t3 - t2) / (2 * n));
	qr_files_close(&t);
	return 0;
}
