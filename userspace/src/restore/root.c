/* See restore.h: the working and root directories of a process. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/maps.h"

#include "lib/exit.h"
#include "restore/restore.h"

/* A working directory deleted before the checkpoint: a directory made
 * where it was (or, taken since, beside it, or in /tmp), entered and
 * removed, so that the process is again in a deleted directory. */
static int enter_deleted(const struct qri_process *p, const char *cwd)
{
	char path[4096], *slash;
	size_t n = strlen(cwd) - strlen(QR_DELETED);

	snprintf(path, sizeof(path), "%.*s", (int)n, cwd);
	if (mkdir(path, 0700)) {
		snprintf(path, sizeof(path), "%.*s.XXXXXX", (int)n, cwd);
		if (!mkdtemp(path)) {
			slash = strrchr(path, '/');
			snprintf(path, sizeof(path), "/tmp/%s", slash ? slash + 1 : "cwd.XXXXXX");
			if (!mkdtemp(path))
				return -1;
		}
	}
	return chown(path, p->cwd_uid, p->cwd_gid) ||
		chmod(path, p->cwd_mode & 07777) || chdir(path) ||
		rmdir(path) ? -1 : 0;
}

int qr_restore_cwd(const struct qri_proc_img *pr)
{
	int rc = qr_path_deleted(pr->cwd) ? enter_deleted(&pr->p, pr->cwd) :
		chdir(pr->cwd);

	if (rc)
		qr_error("restore: pid %u: working directory %s: %s",
			 pr->p.pid, pr->cwd, strerror(errno));
	return rc;
}

int qr_restore_root(const struct qri_proc_img *pr)
{
	/* The working directory stays what chdir made it, inside the new
	 * root or not, as chroot(2) leaves it. */
	if (strcmp(pr->root, "/") && chroot(pr->root)) {
		qr_error("restore: pid %u: root directory %s: %s", pr->p.pid,
			 pr->root, strerror(errno));
		return -1;
	}
	return 0;
}
