/* See filemake.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "restore/filemake.h"

int qr_file_make(const char *base, const struct qri_mount_entry_img *en)
{
	const struct qri_mount_entry *e = &en->e;
	mode_t perm = e->mode & 07777;
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", base, *en->path ? "/" : "", en->path);
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		if (!mkdir(path, 0700))
			break;
		if (errno != EEXIST || (*en->path && !(en->run_flags & QRI_RUN_ABOVE)))
			return -1;
		if (en->run_flags & QRI_RUN_ABOVE)
			return 0;
		break;
	case S_IFREG:
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		if (write(fd, en->data, e->size) != (ssize_t)e->size) {
			close(fd);
			return -1;
		}
		close(fd);
		break;
	case S_IFLNK: {
		char target[QRI_MAX_PATH];

		memcpy(target, en->data, e->size);
		target[e->size] = '\0';
		if (symlink(target, path))
			return -1;
		return lchown(path, e->uid, e->gid);
	}
	default:
		if (mknod(path, (e->mode & S_IFMT) | 0600, (dev_t)e->rdev))
			return -1;
	}
	/* chown first: it clears set-id bits that chmod then sets. */
	return lchown(path, e->uid, e->gid) || chmod(path, perm) ? -1 : 0;
}
