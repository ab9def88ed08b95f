/* File descriptors from /proc/PID/fd and /proc/PID/fdinfo: the kinds this
 * version carries, the others named and refused. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "checkpoint/maps.h"
#include "lib/exit.h"
#include "lib/readfile.h"

/* The character devices that mean the same in any kernel and hold no
 * state: null, zero, random, urandom (mem major 1), the console. */
static int plain_chardev(dev_t rdev)
{
	unsigned int ma = major(rdev), mi = minor(rdev);

	return (ma == 1 && (mi == 3 || mi == 5 || mi == 8 || mi == 9)) ||
		(ma == 5 && mi == 1);
}

static const char *kind_of(const char *link, const struct stat *st,
			   uint32_t *kind)
{
	if (link[0] != '/')
		return link;	/* "socket:[123]", "pipe:[4]", "anon_inode:..." */
	if (qr_path_deleted(link))
		return "a deleted file";
	if (S_ISREG(st->st_mode))
		*kind = QRI_FD_FILE;
	else if (S_ISDIR(st->st_mode))
		*kind = QRI_FD_DIR;
	else if (S_ISCHR(st->st_mode) && plain_chardev(st->st_rdev))
		*kind = QRI_FD_CHARDEV;
	else
		return link;
	return NULL;
}

/* pos and flags from fdinfo ("pos:\t0\nflags:\t0100002\n..."). */
static int fdinfo(pid_t pid, int fd, uint64_t *pos, uint32_t *flags)
{
	char path[64], *t, *p;
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	t = qr_read_file(path, 65536);
	if (!t)
		return -1;
	p = strstr(t, "flags:");
	if (!strncmp(t, "pos:", 4) && p) {
		*pos = strtoull(t + 4, NULL, 10);
		*flags = strtoul(p + 6, NULL, 8);
		rc = 0;
	}
	free(t);
	return rc;
}

int qr_capture_fds(struct qri_writer *w, pid_t pid, int check_only)
{
	char path[64];
	struct dirent *d;
	int refused = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir) {
		qr_error("process %d: cannot list its files: %s", pid, strerror(errno));
		return -1;
	}
	while ((d = readdir(dir))) {
		char fdpath[64], link[QRI_MAX_PATH + 1];
		struct qri_fd f = { .pid = pid };
		struct stat st;
		const char *why;
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		f.fd = strtoul(d->d_name, NULL, 10);
		snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%u", pid, f.fd);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n < 0 || stat(fdpath, &st)) {
			qr_error("process %d: fd %u: %s", pid, f.fd, strerror(errno));
			refused++;
			continue;
		}
		link[n] = '\0';
		why = kind_of(link, &st, &f.kind);
		if (why) {
			qr_error("process %d: fd %u is %s: not carried", pid, f.fd, why);
			refused++;
			continue;
		}
		if (check_only)
			continue;
		if (fdinfo(pid, f.fd, &f.pos, &f.open_flags)) {
			qr_error("process %d: fd %u: no fdinfo", pid, f.fd);
			refused++;
			continue;
		}
		f.fd_flags = f.open_flags & O_CLOEXEC ? FD_CLOEXEC : 0;
		f.open_flags &= ~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
		qri_add_fd(w, &f, link);
	}
	closedir(dir);
	return refused ? -1 : 0;
}
