/*
 * Throughput of a block device or a file: sequential (1 MiB) and random
 * (4 KiB) writes and reads over SIZE MiB, each the median of RUNS runs.
 * Block devices are opened O_DIRECT so that the device, not the page cache,
 * is measured; files (tmpfs has no O_DIRECT on 6.1) are written and fsync'd.
 *   qr-bench-io PATH SIZE_MIB [RUNS]
 * Prints one line per test: "NAME MiB/s min median max".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BS (1u << 20)
#define RND_BS 4096u
#define MAX_RUNS 15

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "qr-bench-io: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* One pass; returns MiB/s. */
static double pass(int fd, const char *path, char *buf, uint64_t size,
		   int write_mode, int random_mode)
{
	unsigned int bs = random_mode ? RND_BS : SEQ_BS;
	uint64_t blocks = size / bs, i;
	double t0 = now();

	for (i = 0; i < blocks; i++) {
		uint64_t blk = random_mode ? next_rand() % blocks : i;
		ssize_t n = write_mode ? pwrite(fd, buf, bs, blk * bs)
				       : pread(fd, buf, bs, blk * bs);

		if (n != (ssize_t)bs)
			die(write_mode ? "write" : "read", path);
	}
	if (write_mode && fsync(fd))
		die("fsync", path);
	return (double)size / (1 << 20) / (now() - t0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"seq-write", "seq-read", "rand-write", "rand-read" };
	double r[MAX_RUNS];
	struct stat st;
	uint64_t size;
	int runs, fd, flags = O_RDWR, t, i;
	char *buf;

	if (argc < 3) {
		fprintf(stderr, "usage: qr-bench-io PATH SIZE_MIB [RUNS]\n");
		return 2;
	}
	size = strtoull(argv[2], NULL, 0) << 20;
	runs = argc > 3 ? atoi(argv[3]) : 3;
	if (!size || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "qr-bench-io: bad size or runs\n");
		return 2;
	}
	if (stat(argv[1], &st) == 0 && S_ISBLK(st.st_mode))
		flags |= O_DIRECT;
	else
		flags |= O_CREAT;
	fd = open(argv[1], flags, 0600);
	if (fd < 0)
		die("open", argv[1]);
	if (posix_memalign((void **)&buf, 4096, SEQ_BS))
		die("alloc", argv[1]);
	for (i = 0; i < (int)SEQ_BS; i++)
		buf[i] = (char)next_rand();
	for (t = 0; t < 4; t++) {
		for (i = 0; i < runs; i++)
			r[i] = pass(fd, argv[1], buf, size, !(t & 1), t >= 2);
		qsort(r, runs, sizeof(r[0]), cmp);
		printf("%s MiB/s %.0f %.0f %.0f\n", names[t], r[0], r[runs / 2],
		       r[runs - 1]);
	}
	close(fd);
	free(buf);
	return 0;
}
