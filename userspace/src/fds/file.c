/* Regular files, directories and symbolic links (these only as O_PATH
 * fds), reopened by path; a file's offset is set again (an O_PATH fd has
 * none). A regular file on a tmpfs, which the reboot empties (/run,
 * /dev/shm), travels with its contents (fds/contents.h): made again if
 * its path does not exist at restore, opened as it is if it does (a file
 * the New boot made there again, as an initramfs does). Deleted files are
 * fds/ghost.c's. The locks held on a file or directory are taken again:
 * they come first in its data (fds/locks.h), the contents after. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/contents.h"
#include "fds/locks.h"
#include "lib/exit.h"

static bool on_disk(const char *link)
{
	return link[0] == '/' && !qr_path_deleted(link);
}

static bool file_match(const char *link, const struct stat *st)
{
	return on_disk(link) && S_ISREG(st->st_mode);
}

static bool symlink_match(const char *link, const struct stat *st)
{
	return on_disk(link) && S_ISLNK(st->st_mode);
}

static bool dir_match(const char *link, const struct stat *st)
{
	return on_disk(link) && S_ISDIR(st->st_mode);
}

int qr_fd_reopen(const struct qri_file_img *f, int extra)
{
	int flags = f->f.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC);
	int fd;

	if (f->path[0] != '/') {
		qr_error("restore: file %u: %s is not an absolute path",
			 f->f.id, f->path);
		return -1;
	}
	fd = open(f->path, flags | O_NOCTTY | extra);
	if (fd < 0)
		qr_error("restore: file %u: %s: %s", f->f.id, f->path,
			 strerror(errno));
	return fd;
}

static int file_capture(struct qr_fd_capture *c)
{
	char path[64];
	struct statfs fs;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", c->pid, c->fd);
	if (statfs(path, &fs)) {
		qr_error("process %d: fd %d: %s: %s", c->pid, c->fd, c->link,
			 strerror(errno));
		return -1;
	}
	if (qr_locks_capture(c))
		return -1;
	if ((fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC) &&
	    qr_contents_capture(c, "a file on tmpfs"))
		return -1;
	qr_locks_trim(c);
	return 0;
}

static int file_valid(const struct qri_file_img *f, struct qr_err *e)
{
	size_t at;

	if (qr_locks_check(f, &at, e))
		return -1;
	return f->f.data_len > at ? qr_contents_valid(f, at, e) : 0;
}

/* Missing directories above a tmpfs file made again (0755, root's). */
static void make_parents(const char *path)
{
	char dir[QRI_MAX_PATH + 1];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

/* A tmpfs file whose path is free: made again with its contents, which
 * start at byte at of its data. */
static int remake(const struct qri_file_img *f, size_t at)
{
	int made, fd;

	make_parents(f->path);
	made = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    qr_contents_mode(f, at));
	if (made < 0) {
		qr_error("restore: %s: not made again: %s", f->path,
			 strerror(errno));
		return -1;
	}
	fd = qr_contents_write(made, f, at) ? -1 : qr_contents_reopen(made, f);
	close(made);
	if (fd < 0)
		unlink(f->path);
	return fd;
}

/* fd with f's locks taken, or -1 (fd closed) having printed why. */
static int locked(struct qr_files *t, const struct qri_file_img *f, int fd)
{
	if (fd >= 0 && qr_locks_open(t, f, fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int file_open(struct qr_files *t, const struct qri_file_img *f)
{
	size_t at = qr_locks_end(f);
	int fd;

	if (f->f.data_len > at && f->path[0] == '/' &&
	    faccessat(AT_FDCWD, f->path, F_OK, AT_SYMLINK_NOFOLLOW) &&
	    errno == ENOENT)
		return locked(t, f, remake(f, at));
	fd = qr_fd_reopen(f, 0);
	if (fd >= 0 && !(f->f.open_flags & O_PATH) &&
	    lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos) {
		qr_error("restore: %s: cannot seek to %llu: %s", f->path,
			 (unsigned long long)f->f.pos, strerror(errno));
		close(fd);
		return -1;
	}
	return locked(t, f, fd);
}

static int dir_capture(struct qr_fd_capture *c)
{
	if (qr_locks_capture(c))
		return -1;
	qr_locks_trim(c);
	return 0;
}

static int dir_valid(const struct qri_file_img *f, struct qr_err *e)
{
	size_t at;

	if (qr_locks_check(f, &at, e))
		return -1;
	return at == f->f.data_len ? 0 :
		qr_err_set(e, "a directory's data holds more than its locks");
}

static int dir_open(struct qr_files *t, const struct qri_file_img *f)
{
	return locked(t, f, qr_fd_reopen(f, O_DIRECTORY));
}

static int symlink_open(struct qr_files *t, const struct qri_file_img *f)
{
	(void)t;
	return qr_fd_reopen(f, O_PATH | O_NOFOLLOW);
}

const struct qr_fd_kind qr_fd_file = {
	.kind = QRI_FD_FILE, .name = "file",
	.match = file_match, .capture = file_capture, .valid = file_valid,
	.open = file_open, .place = qr_locks_place,
};

const struct qr_fd_kind qr_fd_dir = {
	.kind = QRI_FD_DIR, .name = "directory",
	.match = dir_match, .capture = dir_capture, .valid = dir_valid,
	.open = dir_open, .place = qr_locks_place,
};

const struct qr_fd_kind qr_fd_symlink = {
	.kind = QRI_FD_SYMLINK, .name = "symbolic link",
	.match = symlink_match, .open = symlink_open,
};
