// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for the shelter scenarios.
 *
 *   shelter-mem peek ADDR LEN       print LEN bytes of physical memory at ADDR
 *                                   (read through /dev/mem) as hex
 *   shelter-mem poke ADDR HEX       write the bytes HEX at physical ADDR
 *   shelter-mem open-as UID PATH    drop to UID (and no capabilities), then
 *                                   open PATH read-only: exit 0 if it opened
 *
 * /dev/mem only reaches memory that is neither RAM nor claimed by a driver
 * (STRICT_DEVMEM, IO_STRICT_DEVMEM): the reserved region while the shelter
 * module is not loaded. That is how the scenarios damage a header.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: shelter-mem peek ADDR LEN | poke ADDR HEX | open-as UID PATH\n");
	return 2;
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "shelter-mem: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int peek(unsigned long long addr, size_t len)
{
	unsigned char *buf = malloc(len);
	ssize_t n;
	size_t i;
	int fd = open("/dev/mem", O_RDONLY);

	if (fd < 0 || !buf) {
		perror("shelter-mem: /dev/mem");
		return 1;
	}
	n = pread(fd, buf, len, (off_t)addr);
	if (n != (ssize_t)len) {
		fprintf(stderr, "shelter-mem: read 0x%llx+%zu: %s\n", addr, len,
			n < 0 ? strerror(errno) : "short read");
		return 1;
	}
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
	return 0;
}

static int poke(unsigned long long addr, const char *hex)
{
	size_t len = strlen(hex) / 2, i;
	unsigned char *buf = malloc(len + 1);
	ssize_t n;
	int fd;

	if (!len || strlen(hex) % 2 || !buf)
		return usage();
	for (i = 0; i < len; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return usage();
		buf[i] = b;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("shelter-mem: /dev/mem");
		return 1;
	}
	n = pwrite(fd, buf, len, (off_t)addr);
	if (n != (ssize_t)len) {
		fprintf(stderr, "shelter-mem: write 0x%llx+%zu: %s\n", addr, len,
			n < 0 ? strerror(errno) : "short write");
		return 1;
	}
	return close(fd) ? 1 : 0;
}

static int open_as(unsigned long long uid, const char *path)
{
	int fd;

	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("shelter-mem: setuid");
		return 2;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "shelter-mem: open %s as uid %llu: %s\n", path,
			uid, strerror(errno));
		return 1;
	}
	printf("opened %s as uid %llu\n", path, uid);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return usage();
	if (!strcmp(argv[1], "peek"))
		return peek(number(argv[2]), number(argv[3]));
	if (!strcmp(argv[1], "poke"))
		return poke(number(argv[2]), argv[3]);
	if (!strcmp(argv[1], "open-as"))
		return open_as(number(argv[2]), argv[3]);
	return usage();
}
