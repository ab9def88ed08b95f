/* Regular files, directories and symbolic links (these only as O_PATH
 * fds), reopened by path; a file's offset is set again (an O_PATH fd has
 * none). A regular file on a tmpfs, which the reboot empties (/run,
 * /dev/shm), travels with its contents (fds/contents.h): made again if
 * its path does not exist at restore, opened as it is if it does (a file
 * the New boot made there again, as an initramfs does). Deleted files are
 * fds/ghost.c's. */
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
	if (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)
		return 0;
	return qr_contents_capture(c, "a file on tmpfs");
}

static int file_valid(const struct qri_file_img *f, struct qr_err *e)
{
	return f->f.data_len ? qr_contents_valid(f, 0, e) : 0;
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

/* A tmpfs file whose path is free: made again with its contents. */
static int remake(const struct qri_file_img *f)
{
	int made, fd;

	make_parents(f->path);
	made = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    qr_contents_mode(f, 0));
	if (made < 0) {
		qr_error("restore: %s: not made again: %s", f->path,
			 strerror(errno));
		return -1;
	}
	fd = qr_contents_write(made, f, 0) ? -1 : qr_contents_reopen(made, f);
	close(made);
	if (fd < 0)
		unlink(f->path);
	return fd;
}

static int file_open(struct qr_files *t, const struct qri_file_img *f)
{
	int fd;

	(void)t;
	if (f->f.data_len && f->path[0] == '/' &&
	    faccessat(AT_FDCWD, f->path, F_OK, AT_SYMLINK_NOFOLLOW) &&
	    errno == ENOENT)
		return remake(f);
	fd = qr_fd_reopen(f, 0);
	if (fd >= 0 && !(f->f.open_flags & O_PATH) &&
	    lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos) {
		qr_error("restore: %s: cannot seek to %llu: %s", f->path,
			 (unsigned long long)f->f.pos, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int dir_open(struct qr_files *t, const struct qri_file_img *f)
{
	(void)t;
	return qr_fd_reopen(f, O_DIRECTORY);
}

static int symlink_open(struct qr_files *t, const struct qri_file_img *f)
{
	(void)t;
	return qr_fd_reopen(f, O_PATH | O_NOFOLLOW);
}

const struct qr_fd_kind qr_fd_file = {
	.kind = QRI_FD_FILE, .name = "file",
	.match = file_match, .capture = file_capture, .valid = file_valid,
	.open = file_open,
};

const struct qr_fd_kind qr_fd_dir = {
	.kind = QRI_FD_DIR, .name = "directory",
	.match = dir_match, .open = dir_open,
};

const struct qr_fd_kind qr_fd_symlink = {
	.kind = QRI_FD_SYMLINK, .name = "symbolic link",
	.match = symlink_match, .open = symlink_open,
};
