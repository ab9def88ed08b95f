/* See restore.h: the root directory of a process kept in a chroot. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/restore.h"

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
