// SPDX-License-Identifier: GPL-2.0
/*
 * The modules' safety limits as a user without privileges (rst-unpriv).
 *
 *   qr-unpriv probe TAG
 *       opens the device nodes that exist as root, drops to uid/gid 65534
 *       (no capabilities), then: each node opened again must be refused
 *       (EACCES/EPERM); every ioctl of each module, and every number of
 *       its ioctl magic, on the fd opened as root, must fail with EPERM;
 *       every file of /sys/module/{restore,pfncheck,shelter}/{parameters,
 *       status} must refuse a write (and may be read); /proc/iomem is read
 *       whole (it crashed after rmmod restore, issue 14 case 1)
 *   qr-unpriv handback FIRST_PFN N
 *       (root) HANDBACK of the N frames from FIRST_PFN, ram[] from
 *       /sys/firmware/memmap, keep[] the busy shelter's range if any
 *   qr-unpriv release
 *       (root) RELEASE of every frame still held
 *   qr-unpriv exec CMD [ARG...]
 *       runs CMD as uid/gid 65534
 *
 * Prints "ok NAME" and "FAIL NAME: why"; exits 1 if anything failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "quickreboot/pfncheck_abi.h"
#include "quickreboot/restore_abi.h"

#define NOBODY 65534

static int failed;
static const char *tag = "";

static void ok(const char *name, const char *what)
{
	printf("ok %s-%s%s\n", tag, name, what);
}

static void fail(const char *name, const char *what, const char *why)
{
	printf("FAIL %s-%s%s: %s\n", tag, name, what, why);
	failed = 1;
}

static void drop(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		perror("qr-unpriv: dropping privileges");
		exit(2);
	}
}

struct dev {
	const char *name, *path;
	unsigned int magic;
	const unsigned long *cmds;	/* 0-terminated */
	unsigned long abi_cmd;		/* open to all: a version number */
	uint32_t abi;
};

static const unsigned long restore_cmds[] = {
	QR_RESTORE_IOC_HANDBACK, QR_RESTORE_IOC_ADOPT, QR_RESTORE_IOC_RELEASE, 0,
};

static const unsigned long pfncheck_cmds[] = {
	PFNCHECK_IOC_FREEZE, PFNCHECK_IOC_THAW, PFNCHECK_IOC_THREADS,
	PFNCHECK_IOC_PFNMAP, PFNCHECK_IOC_REGSET, PFNCHECK_IOC_SIGSTATE,
	PFNCHECK_IOC_EVACUATE, PFNCHECK_IOC_COMMIT, PFNCHECK_IOC_STATUS, 0,
};

static const struct dev devs[] = {
	{ "restore", QR_RESTORE_DEVICE, QR_RESTORE_IOC_MAGIC, restore_cmds,
	  QR_RESTORE_IOC_ABI_VERSION, QR_RESTORE_ABI_VERSION },
	{ "pfncheck", PFNCHECK_DEVICE, PFNCHECK_IOC_MAGIC, pfncheck_cmds,
	  PFNCHECK_IOC_ABI_VERSION, PFNCHECK_ABI_VERSION },
	{ "shelter", "/dev/shelter0", 0, NULL, 0, 0 },
};

#define NDEVS (sizeof(devs) / sizeof(devs[0]))

/* An ioctl as nobody on an fd root opened: EPERM, nothing else. */
static void try_ioctl(const struct dev *d, int fd, unsigned long cmd,
		      const char *what)
{
	static uint64_t buf[4096 / 8];
	char name[64], why[128];

	memset(buf, 0, sizeof(buf));
	snprintf(name, sizeof(name), "%s-ioctl-", d->name);
	if (ioctl(fd, cmd, buf) == 0) {
		snprintf(why, sizeof(why), "cmd %#lx succeeded without privileges", cmd);
		fail(name, what, why);
	} else if (errno != EPERM) {
		snprintf(why, sizeof(why), "cmd %#lx: %s, not EPERM", cmd, strerror(errno));
		fail(name, what, why);
	}
}

static void probe_dev(const struct dev *d, int fd)
{
	char what[32];
	int fd2;

	fd2 = open(d->path, O_RDWR | O_CLOEXEC);
	if (fd2 >= 0) {
		fail(d->name, "-open", "opened O_RDWR without privileges");
		close(fd2);
	} else if (errno == EACCES || errno == EPERM) {
		ok(d->name, "-open-refused");
	} else {
		fail(d->name, "-open", strerror(errno));
	}
	fd2 = open(d->path, O_RDONLY | O_CLOEXEC);
	if (fd2 >= 0) {
		fail(d->name, "-open-ro", "opened O_RDONLY without privileges");
		close(fd2);
	}
	if (fd < 0 || !d->cmds)
		return;
	/* The ABI version is the one answer anyone may have: it says nothing
	 * but which quickreboot built the module. */
	{
		uint32_t v = 0;

		if (ioctl(fd, d->abi_cmd, &v) || v != d->abi)
			fail(d->name, "-abi-version", "not readable, or not this build's");
		else
			ok(d->name, "-abi-version-readable");
	}
	for (const unsigned long *c = d->cmds; *c; c++) {
		snprintf(what, sizeof(what), "%u", (unsigned int)_IOC_NR(*c));
		try_ioctl(d, fd, *c, what);
	}
	/* Every number of the magic, with no argument and with a large one. */
	for (unsigned int nr = 0; nr < 32; nr++) {
		try_ioctl(d, fd, _IO(d->magic, nr), "sweep");
		try_ioctl(d, fd, _IOC(_IOC_READ | _IOC_WRITE, d->magic, nr, 256),
			  "sweep");
	}
	if (!failed)
		ok(d->name, "-ioctls-eperm");
}

static void probe_sysfs(const char *module, const char *sub)
{
	char dir[256], path[512], buf[4096];
	struct dirent *de;
	DIR *dp;
	int fd;

	snprintf(dir, sizeof(dir), "/sys/module/%s/%s", module, sub);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			/* Opened: the write itself must be refused. */
			if (write(fd, "1\n", 2) >= 0)
				fail(module, path, ": written without privileges");
			close(fd);
		} else if (errno != EACCES && errno != EPERM) {
			fail(module, path, strerror(errno));
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
	}
	closedir(dp);
	ok(module, sub[0] == 'p' ? "-sysfs-parameters" : "-sysfs-status");
}

static void read_whole(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fail("read", path, strerror(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	if (n < 0)
		fail("read", path, strerror(errno));
	else
		ok("read", path);
}

static int probe(void)
{
	int fds[NDEVS];

	for (size_t i = 0; i < NDEVS; i++)
		fds[i] = open(devs[i].path, O_RDWR | O_CLOEXEC);
	drop();
	for (size_t i = 0; i < NDEVS; i++) {
		if (fds[i] < 0 && access(devs[i].path, F_OK))
			continue;	/* module not loaded */
		probe_dev(&devs[i], fds[i]);
	}
	for (size_t i = 0; i < NDEVS; i++) {
		probe_sysfs(devs[i].name, "parameters");
		probe_sysfs(devs[i].name, "status");
	}
	read_whole("/proc/iomem");
	return failed;
}

/* ram[]: "System RAM" entries of the firmware map, ascending. */
static int fw_ram(struct qr_restore_range *r, int max)
{
	int n = 0;

	for (int i = 0; n < max; i++) {
		char path[128], type[64] = "";
		unsigned long long s, e;
		FILE *f;
		int got = 0;

		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/type", i);
		f = fopen(path, "r");
		if (!f)
			break;
		if (!fgets(type, sizeof(type), f))
			type[0] = '\0';
		fclose(f);
		if (strncmp(type, "System RAM", 10))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/start", i);
		f = fopen(path, "r");
		got += f && fscanf(f, "%llx", &s) == 1;
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/end", i);
		f = fopen(path, "r");
		got += f && fscanf(f, "%llx", &e) == 1;
		if (f)
			fclose(f);
		if (got == 2)
			r[n++] = (struct qr_restore_range){ s, e + 1 };
	}
	/* The directory's order is not the address order. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && r[j].start < r[j - 1].start; j--) {
			struct qr_restore_range t = r[j];

			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	return n;
}

static int handback(uint64_t first, uint64_t n)
{
	static struct qr_restore_range ram[64];
	uint64_t *pfns = calloc(n ? n : 1, sizeof(*pfns));
	struct qr_restore_handback h = { 0 };
	int fd = open(QR_RESTORE_DEVICE, O_RDWR | O_CLOEXEC);

	for (uint64_t i = 0; pfns && i < n; i++)
		pfns[i] = first + i;
	h.nr_ram = fw_ram(ram, 64);
	h.ram = (uintptr_t)ram;
	h.nr_pfns = n;
	h.pfns = (uintptr_t)pfns;
	if (fd < 0 || !pfns || ioctl(fd, QR_RESTORE_IOC_HANDBACK, &h)) {
		printf("FAIL handback: %s (bad_pfn %#llx reason %u)\n", strerror(errno),
		       (unsigned long long)h.bad_pfn, h.bad_reason);
		return 1;
	}
	printf("ok handback: %llu MiB added\n", (unsigned long long)h.added_bytes >> 20);
	return 0;
}

static int release(void)
{
	struct qr_restore_release r = { 0 };
	int fd = open(QR_RESTORE_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, QR_RESTORE_IOC_RELEASE, &r)) {
		printf("FAIL release: %s\n", strerror(errno));
		return 1;
	}
	printf("ok release: %llu frames\n", (unsigned long long)r.released);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "probe")) {
		tag = argv[2];
		return probe();
	}
	if (argc == 4 && !strcmp(argv[1], "handback"))
		return handback(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "release"))
		return release();
	if (argc >= 3 && !strcmp(argv[1], "exec")) {
		drop();
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	fprintf(stderr, "usage: qr-unpriv probe TAG | handback FIRST_PFN N | release | exec CMD...\n");
	return 2;
}
