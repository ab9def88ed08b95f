/* Regular files and directories, reopened by path; a file's offset is
 * set again. A deleted file is no kind of its own yet: refused. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/kind.h"
#include "lib/exit.h"

static bool on_disk(const char *link)
{
	return link[0] == '/' && !qr_path_deleted(link);
}

static bool file_match(const char *link, const struct stat *st)
{
	return on_disk(link) && S_ISREG(st->st_mode);
}

static bool dir_match(const char *link, const struct stat *st)
{
	return on_disk(link) && S_ISDIR(st->st_mode);
}

int qr_fd_reopen(const struct qri_proc_img *pr, const struct qri_fd_img *f,
		 int extra)
{
	int flags = f->f.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC);
	int fd = open(f->path, flags | O_NOCTTY | extra);

	if (fd < 0)
		qr_error("restore: pid %u: fd %u: %s: %s", pr->p.pid, f->f.fd,
			 f->path, strerror(errno));
	return fd;
}

static int file_open(const struct qri_proc_img *pr, const struct qri_fd_img *f)
{
	int fd = qr_fd_reopen(pr, f, 0);

	if (fd >= 0 && lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos) {
		qr_error("restore: pid %u: fd %u: cannot seek to %llu: %s",
			 pr->p.pid, f->f.fd, (unsigned long long)f->f.pos,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int dir_open(const struct qri_proc_img *pr, const struct qri_fd_img *f)
{
	return qr_fd_reopen(pr, f, O_DIRECTORY);
}

const struct qr_fd_kind qr_fd_file = {
	.kind = QRI_FD_FILE, .name = "file",
	.match = file_match, .open = file_open,
};

const struct qr_fd_kind qr_fd_dir = {
	.kind = QRI_FD_DIR, .name = "directory",
	.match = dir_match, .open = dir_open,
};
