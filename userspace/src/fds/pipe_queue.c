/* See pipe_queue.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/pipe_queue.h"
#include "lib/exit.h"

/* The status flags restore sets again; the access mode is the open's. */
#define CARRIED (O_NONBLOCK | O_APPEND)

int qr_pipe_dup(pid_t pid, int fd)
{
	int dup = qr_fd_dup(pid, fd);

	if (dup < 0)
		qr_error("process %d: fd %d: cannot look into it: %s", pid, fd,
			 strerror(errno));
	return dup;
}

int qr_pipe_flags_carried(const struct qr_fd_capture *c, const char *name)
{
	if (c->f->open_flags & O_DIRECT) {
		qr_error("process %d: fd %d is %s in packet mode (O_DIRECT): not carried",
			 c->pid, c->fd, name);
		return 0;
	}
	if (c->f->open_flags & O_ASYNC) {
		qr_error("process %d: fd %d is %s with signal-driven I/O (O_ASYNC): not carried",
			 c->pid, c->fd, name);
		return 0;
	}
	return 1;
}

/* The bytes queued in the pipe behind rfd, n by FIONREAD, into buf, left
 * in place: how many, or -1 having printed why. Fewer than n only if the
 * queue shrank meanwhile (`check`: the process runs); frozen, it is n. */
static int peek(const struct qr_fd_capture *c, const char *name, int rfd,
		int size, uint8_t *buf, int n)
{
	int s[2], now = -1;
	ssize_t r;

	if (pipe2(s, O_CLOEXEC | O_NONBLOCK)) {
		qr_error("process %d: fd %d is %s: scratch pipe: %s", c->pid,
			 c->fd, name, strerror(errno));
		return -1;
	}
	/* As many slots as the pipe: tee copies its buffers as they are. */
	if (fcntl(s[1], F_SETPIPE_SZ, size) < size) {
		qr_error("process %d: fd %d is %s: scratch pipe of %d bytes: %s",
			 c->pid, c->fd, name, size, strerror(errno));
		goto fail;
	}
	r = tee(rfd, s[1], n, SPLICE_F_NONBLOCK);
	if (r < 0 && errno == EAGAIN)
		r = 0;		/* emptied meanwhile */
	if (r < 0 || (r < n && (ioctl(rfd, FIONREAD, &now) || now != r))) {
		qr_error("process %d: fd %d is %s: %d bytes queued, tee copied %zd%s%s",
			 c->pid, c->fd, name, n, r, r < 0 ? ": " : "",
			 r < 0 ? strerror(errno) : "");
		goto fail;
	}
	n = r;
	/* All there: one read takes it, unless a buffer was written in
	 * packet mode (O_DIRECT), whose read ends at its boundary. */
	r = n ? read(s[0], buf, n) : 0;
	if (r != n) {
		qr_error("process %d: fd %d is %s: %s", c->pid, c->fd, name,
			 r < 0 ? strerror(errno) :
			 "its queue holds packets (written in packet mode, O_DIRECT): not carried");
		goto fail;
	}
	close(s[0]);
	close(s[1]);
	return n;
fail:
	close(s[0]);
	close(s[1]);
	return -1;
}

int qr_pipe_capture(struct qr_fd_capture *c, const char *name, int fd,
		    int rfd)
{
	struct qr_pipe_rec r = { 0 };
	int size = fcntl(fd, F_GETPIPE_SZ), n = 0;
	uint8_t *buf = NULL;

	if (size < (int)QR_PIPE_MIN_SIZE) {
		qr_error("process %d: fd %d is %s: its size: %s", c->pid, c->fd,
			 name, strerror(errno));
		return -1;
	}
	if (rfd >= 0 && ioctl(rfd, FIONREAD, &n)) {
		qr_error("process %d: fd %d is %s: bytes queued: %s", c->pid,
			 c->fd, name, strerror(errno));
		return -1;
	}
	if (n < 0 || n > size || (uint64_t)n > QRI_MAX_FILE_DATA - sizeof(r)) {
		qr_error("process %d: fd %d is %s: %d bytes queued: more than an image holds",
			 c->pid, c->fd, name, n);
		return -1;
	}
	if (n) {
		buf = malloc(n);
		if (!buf) {
			qr_error("process %d: fd %d is %s: out of memory", c->pid,
				 c->fd, name);
			return -1;
		}
		n = peek(c, name, rfd, size, buf, n);
		if (n < 0) {
			free(buf);
			return -1;
		}
	}
	r.size = size;
	r.flags = rfd >= 0 ? QR_PIPE_QUEUE : 0;
	r.queue_len = n;
	qr_strbuf_add(c->data, &r, sizeof(r));
	qr_strbuf_add(c->data, buf, n);
	free(buf);
	return 0;
}

int qr_pipe_fill(const struct qri_file_img *f, int wfd,
		 const struct qr_pipe_rec *r, const uint8_t *queue)
{
	uint32_t done = 0;

	if (fcntl(wfd, F_GETPIPE_SZ) != (int)r->size &&
	    fcntl(wfd, F_SETPIPE_SZ, r->size) != (int)r->size) {
		qr_error("restore: file %u (%s): pipe size %u: %s", f->f.id,
			 f->path, r->size, strerror(errno));
		return -1;
	}
	while (done < r->queue_len) {
		ssize_t n = write(wfd, queue + done, r->queue_len - done);

		if (n <= 0) {
			qr_error("restore: file %u (%s): %u of %u queued bytes written back: %s",
				 f->f.id, f->path, done, r->queue_len,
				 n ? strerror(errno) : "nothing written");
			return -1;
		}
		done += n;
	}
	return 0;
}

int qr_pipe_reopen(const struct qri_file_img *f, int fd, int acc)
{
	char p[64];
	int n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = open(p, acc | O_NONBLOCK | O_CLOEXEC);
	if (n < 0)
		qr_error("restore: file %u (%s): opening it again: %s", f->f.id,
			 f->path, strerror(errno));
	return n;
}

int qr_pipe_set_flags(const struct qri_file_img *f, int fd)
{
	if (fd >= 0 && fcntl(fd, F_SETFL, f->f.open_flags & CARRIED)) {
		qr_error("restore: file %u (%s): flags %o: %s", f->f.id, f->path,
			 f->f.open_flags & CARRIED, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
