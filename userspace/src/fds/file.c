/* Regular files, directories and symbolic links (these only as O_PATH
 * fds), reopened by path; a file's offset is set again (an O_PATH fd has
 * none), and the locks held on a file or directory are taken again (their
 * data is the kind's: fds/locks.h). A deleted file is no kind of its own
 * yet: refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/kind.h"
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
	int fd = qr_fd_reopen(f, 0);

	if (fd >= 0 && !(f->f.open_flags & O_PATH) &&
	    lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos) {
		qr_error("restore: %s: cannot seek to %llu: %s", f->path,
			 (unsigned long long)f->f.pos, strerror(errno));
		close(fd);
		return -1;
	}
	return locked(t, f, fd);
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
	.match = file_match, .capture = qr_locks_capture,
	.valid = qr_locks_valid, .open = file_open, .place = qr_locks_place,
};

const struct qr_fd_kind qr_fd_dir = {
	.kind = QRI_FD_DIR, .name = "directory",
	.match = dir_match, .capture = qr_locks_capture,
	.valid = qr_locks_valid, .open = dir_open, .place = qr_locks_place,
};

const struct qr_fd_kind qr_fd_symlink = {
	.kind = QRI_FD_SYMLINK, .name = "symbolic link",
	.match = symlink_match, .open = symlink_open,
};
