/* Pipes ("pipe:[INO]"): one object, the pipe inode, with an open file
 * description for each end, or several. Captured: the size and, through a
 * readable end, the queue, read without consuming it (pipe_queue.h); a
 * write end whose read end is closed everywhere keeps no queue, as no one
 * can ever read it. An end held by a process outside the kept set is
 * refused (check_set). Restored: the maker (pipe_rec.h) makes the pipe,
 * sizes and refills it, and hands the other end to its first file;
 * every other file of the pipe opens it again through /proc/self/fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fds/pipe_outside.h"
#include "fds/pipe_queue.h"
#include "lib/exit.h"

static bool pipe_match(const char *link, const struct stat *st)
{
	return S_ISFIFO(st->st_mode) && !strncmp(link, "pipe:[", 6);
}

static int pipe_capture(struct qr_fd_capture *c)
{
	int fd, rc;

	if (!qr_pipe_flags_carried(c, c->link))
		return -1;
	c->f->object = c->st->st_ino;
	fd = qr_pipe_dup(c->pid, c->fd);
	if (fd < 0)
		return -1;
	rc = qr_pipe_capture(c, c->link, fd,
			     (c->f->open_flags & O_ACCMODE) == O_WRONLY ? -1 : fd);
	close(fd);
	return rc;
}

static int pipe_check_set(const struct qr_fd_set *s)
{
	return qr_pipe_outside(s, QRI_FD_PIPE);
}

/* The maker's own end of p, and the other to its peer if it has one; p's
 * ends not taken closed. */
static int ends(struct qr_files *t, const struct qri_file_img *f, int acc,
		int p[2])
{
	const struct qri_file_img *peer = qr_pipe_peer(qr_files_image(t), f);
	int fd = -1;

	if (peer) {
		int other = acc == O_RDONLY ? 1 : 0;

		if (qr_pipe_set_flags(peer, p[other]) < 0 ||
		    qr_files_put(t, peer->f.id, p[other])) {
			close(p[!other]);
			return -1;
		}
		p[other] = -1;
	}
	if (acc == O_RDWR) {
		fd = qr_pipe_reopen(f, p[0], O_RDWR);
	} else {
		fd = p[acc == O_WRONLY];
		p[acc == O_WRONLY] = -1;
	}
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return fd;
}

static int pipe_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *m = qr_pipe_maker(qr_files_image(t), f);
	int acc = f->f.open_flags & O_ACCMODE, p[2];
	const uint8_t *queue;
	struct qr_pipe_rec r;

	qr_pipe_rec(f, &r, &queue);
	if (m != f) {
		int mfd = qr_files_get(t, m->f.id);

		/* If the maker handed this end over, the table keeps that
		 * one and closes this. */
		return mfd < 0 ? -1 :
			qr_pipe_set_flags(f, qr_pipe_reopen(f, mfd, acc));
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK)) {
		qr_error("restore: file %u (%s): %s", f->f.id, f->path,
			 strerror(errno));
		return -1;
	}
	if (qr_pipe_fill(f, p[1], &r, queue)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return qr_pipe_set_flags(f, ends(t, f, acc, p));
}

const struct qr_fd_kind qr_fd_pipe = {
	.kind = QRI_FD_PIPE, .name = "pipe",
	.match = pipe_match, .capture = pipe_capture,
	.check_set = pipe_check_set, .valid = qr_pipe_valid, .open = pipe_open,
};
