/* See pty.h: a session's controlling terminal and foreground group, given
 * back in its leader before anything of the session runs. The slave is
 * opened for the leader through the master (whatever fds the session
 * holds), made its controlling terminal before its children exist (they
 * inherit it), and the foreground group set once they do. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fds/pty.h"
#include "lib/exit.h"

/* The master whose slave is session pid's controlling terminal. */
static const struct qri_file_img *of_session(struct qr_files *t, uint32_t pid,
					     struct qr_ptmx_rec *r)
{
	const struct qri_image *img = qr_files_image(t);

	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *f = &img->files[i];

		if (f->f.kind != QRI_FD_PTMX)
			continue;
		memcpy(r, f->data, sizeof(*r));
		if (r->sid == pid)
			return f;
	}
	return NULL;
}

int qr_pty_ctty_take(struct qr_files *t, uint32_t pid, int *fd)
{
	const struct qri_file_img *f;
	struct qr_ptmx_rec r;
	int m, s, off = 0, on = 1;

	*fd = -1;
	f = of_session(t, pid, &r);
	if (!f)
		return 0;
	m = qr_files_get(t, f->f.id);
	if (m < 0)
		return -1;
	if ((r.flags & QR_PTY_LOCKED) && ioctl(m, TIOCSPTLCK, &off))
		goto fail;
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		goto fail;
	if (((r.flags & QR_PTY_LOCKED) && ioctl(m, TIOCSPTLCK, &on)) ||
	    ioctl(s, TIOCSCTTY, 0)) {
		close(s);
		goto fail;
	}
	*fd = s;
	return 0;
fail:
	qr_error("restore: pid %u: pts/%u as its controlling terminal: %s",
		 pid, r.index, strerror(errno));
	return -1;
}

int qr_pty_ctty_fg(struct qr_files *t, uint32_t pid, int fd)
{
	struct qr_ptmx_rec r;
	pid_t pgrp;
	int rc = 0;

	if (!of_session(t, pid, &r)) {
		close(fd);
		return 0;
	}
	pgrp = r.pgrp;
	/* TIOCSCTTY made the leader's own group the foreground one. */
	if (r.pgrp != pid && ioctl(fd, TIOCSPGRP, &pgrp)) {
		qr_error("restore: pid %u: foreground group %u on pts/%u: %s",
			 pid, r.pgrp, r.index, strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}
