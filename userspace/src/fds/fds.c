/* File descriptors: captured from /proc/PID/fd and /proc/PID/fdinfo, each
 * by its kind (kind.h), the others named and refused; restored at their
 * old numbers with their flags. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "checkpoint/maps.h"
#include "fds/fds.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

/* Why no kind carries an fd, for check's message. */
static const char *refusal(const char *link)
{
	if (link[0] == '/' && qr_path_deleted(link))
		return "a deleted file";
	return link;	/* "socket:[123]", "pipe:[4]", "anon_inode:...", a device */
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
		const struct qr_fd_kind *kind;
		struct stat st;
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
		kind = qr_fd_kind_match(link, &st);
		if (!kind) {
			qr_error("process %d: fd %u is %s: not carried", pid, f.fd,
				 refusal(link));
			refused++;
			continue;
		}
		f.kind = kind->kind;
		if (check_only)
			continue;
		if (fdinfo(pid, f.fd, &f.pos, &f.open_flags)) {
			qr_error("process %d: fd %u: no fdinfo", pid, f.fd);
			refused++;
			continue;
		}
		f.fd_flags = f.open_flags & O_CLOEXEC ? FD_CLOEXEC : 0;
		f.open_flags &= ~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
		if (kind->capture && kind->capture(pid, &f, link)) {
			refused++;
			continue;
		}
		qri_add_fd(w, &f, link);
	}
	closedir(dir);
	if (check_only)
		return refused;
	return refused ? -1 : 0;
}

int qr_restore_fds(const struct qri_proc_img *pr)
{
	for (size_t i = 0; i < pr->nfds; i++) {
		const struct qri_fd_img *f = &pr->fds[i];
		int fd = qr_fd_kind(f->f.kind)->open(pr, f);

		if (fd < 0)
			return -1;
		if (fd != (int)f->f.fd) {
			if (dup2(fd, f->f.fd) < 0) {
				qr_error("restore: pid %u: fd %u: %s", pr->p.pid,
					 f->f.fd, strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		}
		fcntl(f->f.fd, F_SETFD, f->f.fd_flags & FD_CLOEXEC);
	}
	return 0;
}
