/* Regular files deleted while open: their contents travel in the image
 * (fds/contents.h), and restore makes an unnamed file again (O_TMPFILE) in
 * the directory the file was in, or in /tmp if that is gone. Several open
 * descriptions of one deleted file stay one file: the first one made is
 * reopened for the others. Larger ones are refused by name (a log rotated
 * away can be gigabytes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/contents.h"
#include "lib/exit.h"

static bool ghost_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && qr_path_deleted(link) && S_ISREG(st->st_mode);
}

static int ghost_capture(struct qr_fd_capture *c)
{
	return qr_contents_capture(c, "a deleted file");
}

static int ghost_valid(const struct qri_file_img *f, struct qr_err *e)
{
	return qr_contents_valid(f, 0, e);
}

/* An unnamed file where the deleted one was, or in /tmp. */
static int tmpfile_near(const char *link, mode_t mode)
{
	char dir[QRI_MAX_PATH + 1];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", link);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
	return fd >= 0 ? fd : open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
}

static int ghost_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *kin = qr_files_first_kin(t, f);
	int made, fd;

	if (kin != f) {
		made = qr_files_get(t, kin->f.id);
		return made < 0 ? -1 : qr_contents_reopen(made, f);
	}
	made = tmpfile_near(f->path, qr_contents_mode(f, 0));
	if (made < 0) {
		qr_error("restore: %s: no file made again: %s", f->path,
			 strerror(errno));
		return -1;
	}
	fd = qr_contents_write(made, f, 0) ? -1 : qr_contents_reopen(made, f);
	close(made);
	return fd;
}

const struct qr_fd_kind qr_fd_ghost = {
	.kind = QRI_FD_GHOST, .name = "deleted file",
	.match = ghost_match, .capture = ghost_capture,
	.valid = ghost_valid, .open = ghost_open,
};
