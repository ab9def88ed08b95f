/* The character devices that mean the same in any kernel and hold no
 * state: null, zero, random, urandom (mem major 1), the console. Reopened
 * by path. */
#include <sys/sysmacros.h>

#include "fds/kind.h"

static bool chardev_match(const char *link, const struct stat *st)
{
	unsigned int ma = major(st->st_rdev), mi = minor(st->st_rdev);

	return link[0] == '/' && S_ISCHR(st->st_mode) &&
		((ma == 1 && (mi == 3 || mi == 5 || mi == 8 || mi == 9)) ||
		 (ma == 5 && mi == 1));
}

static int chardev_open(struct qr_files *t, const struct qri_file_img *f)
{
	(void)t;
	return qr_fd_reopen(f, 0);
}

const struct qr_fd_kind qr_fd_chardev = {
	.kind = QRI_FD_CHARDEV, .name = "character device", .stateless = true,
	.match = chardev_match, .open = chardev_open,
};
