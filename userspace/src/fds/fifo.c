/* FIFOs on disk: captured as pipes are (pipe_queue.h), the object their
 * inode; a file that only writes reads the queue through a reader of its
 * own, opened for the moment, when bytes are queued (a reader may come
 * later and read them). Restored by path: a FIFO's open waits for the
 * other end unless O_RDWR or O_NONBLOCK, so each file holds the FIFO open
 * O_RDWR while it opens its own with O_NONBLOCK, then takes its flags;
 * the maker (pipe_rec.h) sizes and refills it first, and restore's table
 * keeps it open until every process took its fds, so the queue stays. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/pipe_outside.h"
#include "fds/pipe_queue.h"
#include "lib/exit.h"

static bool fifo_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && S_ISFIFO(st->st_mode) && !qr_path_deleted(link);
}

/* A reader of the FIFO behind c's fd, if c's own cannot read and bytes
 * are queued; -1 if none is needed, -2 on error (printed). */
static int reader(const struct qr_fd_capture *c, const char *name, int fd)
{
	char p[64];
	int n = 0, r;

	if ((c->f->open_flags & O_ACCMODE) != O_WRONLY)
		return fd;
	if (ioctl(fd, FIONREAD, &n) || n <= 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", c->pid, c->fd);
	r = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r < 0) {
		qr_error("process %d: fd %d is %s: reading its queue: %s",
			 c->pid, c->fd, name, strerror(errno));
		return -2;
	}
	return r;
}

static int fifo_capture(struct qr_fd_capture *c)
{
	char name[QRI_MAX_PATH + 8];
	int fd, rfd, rc = -1;

	snprintf(name, sizeof(name), "FIFO %s", c->link);
	if (!qr_pipe_flags_carried(c, name))
		return -1;
	c->f->object = c->st->st_ino;
	fd = qr_pipe_dup(c->pid, c->fd);
	if (fd < 0)
		return -1;
	rfd = reader(c, name, fd);
	if (rfd != -2)
		rc = qr_pipe_capture(c, name, fd, rfd);
	if (rfd >= 0 && rfd != fd)
		close(rfd);
	close(fd);
	return rc;
}

static int fifo_check_set(const struct qr_fd_set *s)
{
	return qr_pipe_outside(s, QRI_FD_FIFO);
}

static int fifo_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *m = qr_pipe_maker(qr_files_image(t), f);
	int acc = f->f.open_flags & O_ACCMODE, hold, fd = -1;
	const uint8_t *queue;
	struct qr_pipe_rec r;
	struct stat st;

	qr_pipe_rec(f, &r, &queue);
	if (f->path[0] != '/') {
		qr_error("restore: file %u: %s is not an absolute path",
			 f->f.id, f->path);
		return -1;
	}
	if (m != f && qr_files_get(t, m->f.id) < 0)
		return -1;
	hold = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (hold < 0 || fstat(hold, &st) || !S_ISFIFO(st.st_mode)) {
		qr_error("restore: file %u: %s: %s", f->f.id, f->path,
			 hold < 0 ? strerror(errno) : "not a FIFO");
		if (hold >= 0)
			close(hold);
		return -1;
	}
	if (m != f || !qr_pipe_fill(f, hold, &r, queue))
		fd = qr_pipe_reopen(f, hold, acc);
	close(hold);
	return qr_pipe_set_flags(f, fd);
}

const struct qr_fd_kind qr_fd_fifo = {
	.kind = QRI_FD_FIFO, .name = "FIFO",
	.match = fifo_match, .capture = fifo_capture,
	.check_set = fifo_check_set, .valid = qr_pipe_valid, .open = fifo_open,
};
