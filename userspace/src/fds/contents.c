/* See fds/contents.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds/contents.h"
#include "lib/exit.h"

/* The data: this, then nextents of (struct extent, its bytes). */
struct head {
	uint64_t size;
	uint32_t mode, uid, gid, nextents;
};

struct extent {
	uint64_t off, len;
};

/* The extents of data in fd (SEEK_DATA/SEEK_HOLE), appended with their
 * bytes; how many, or -1 when they exceed QR_CONTENTS_MAX. */
static long extents(int fd, uint64_t size, struct qr_strbuf *d)
{
	static char buf[65536];
	uint64_t total = 0;
	off_t at = 0;
	long n = 0;

	while ((uint64_t)at < size) {
		off_t data = lseek(fd, at, SEEK_DATA), hole;
		struct extent e;

		if (data < 0)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = size;
		e = (struct extent){ data, hole - data };
		total += e.len;
		if (total > QR_CONTENTS_MAX)
			return -1;
		qr_strbuf_add(d, &e, sizeof(e));
		for (uint64_t done = 0; done < e.len;) {
			size_t want = e.len - done < sizeof(buf) ? e.len - done : sizeof(buf);
			ssize_t r = pread(fd, buf, want, data + done);

			if (r <= 0)
				return -1;
			qr_strbuf_add(d, buf, r);
			done += r;
		}
		n++;
		at = hole;
	}
	return n;
}

int qr_contents_capture(struct qr_fd_capture *c, const char *what)
{
	struct head h = {
		.size = c->st->st_size, .mode = c->st->st_mode & 07777,
		.uid = c->st->st_uid, .gid = c->st->st_gid,
	};
	char path[64];
	size_t at;
	long n;
	int fd;

	/* Through /proc: a new description, the process's offset unmoved. */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", c->pid, c->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qr_error("process %d: fd %d: %s %s: %s", c->pid, c->fd, what,
			 c->link, strerror(errno));
		return -1;
	}
	c->f->object = (uint64_t)c->st->st_dev << 40 ^ c->st->st_ino;
	at = c->data->len;
	qr_strbuf_add(c->data, &h, sizeof(h));
	n = extents(fd, h.size, c->data);
	close(fd);
	if (n < 0) {
		qr_error("process %d: fd %d is %s (%s) with more than %u MiB of data: not carried",
			 c->pid, c->fd, what, c->link, QR_CONTENTS_MAX >> 20);
		return -1;
	}
	h.nextents = n;
	if (!c->data->oom)
		memcpy(c->data->s + at, &h, sizeof(h));
	return 0;
}

/* The extents after the head, each written into fd (none when fd < 0):
 * 0, or -1 if they are not what the head says or writing failed. */
static int fill(int fd, const struct head *h, const uint8_t *p, size_t left)
{
	for (uint32_t i = 0; i < h->nextents; i++) {
		struct extent e;

		if (left < sizeof(e))
			return -1;
		memcpy(&e, p, sizeof(e));
		p += sizeof(e);
		left -= sizeof(e);
		if (e.len > left || e.off > h->size || e.len > h->size - e.off ||
		    (fd >= 0 && pwrite(fd, p, e.len, e.off) != (ssize_t)e.len))
			return -1;
		p += e.len;
		left -= e.len;
	}
	return left || (fd >= 0 && ftruncate(fd, h->size)) ? -1 : 0;
}

int qr_contents_valid(const struct qri_file_img *f, size_t at,
		      struct qr_err *e)
{
	struct head h;

	if (f->f.data_len < at + sizeof(h))
		return qr_err_set(e, "a file without its contents");
	memcpy(&h, f->data + at, sizeof(h));
	if (fill(-1, &h, f->data + at + sizeof(h),
		 f->f.data_len - at - sizeof(h)))
		return qr_err_set(e, "a file whose %" PRIu32 " extents do not fill its data",
				  h.nextents);
	return 0;
}

mode_t qr_contents_mode(const struct qri_file_img *f, size_t at)
{
	struct head h;

	memcpy(&h, f->data + at, sizeof(h));	/* qr_contents_valid() */
	return h.mode & 07777;
}

int qr_contents_write(int fd, const struct qri_file_img *f, size_t at)
{
	struct head h;

	memcpy(&h, f->data + at, sizeof(h));
	if (fill(fd, &h, f->data + at + sizeof(h),
		 f->f.data_len - at - sizeof(h)) ||
	    fchown(fd, h.uid, h.gid) || fchmod(fd, h.mode & 07777)) {
		qr_error("restore: %s: contents, owner or mode not set again: %s",
			 f->path, strerror(errno));
		return -1;
	}
	return 0;
}

int qr_contents_reopen(int made, const struct qri_file_img *f)
{
	char self[64];
	int fd;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", made);
	/* O_NOFOLLOW (shm_open's) did its work at the first open: here it
	 * would refuse the /proc link. */
	fd = open(self, (f->f.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) |
		  O_NOCTTY);
	if (fd < 0 || (!(f->f.open_flags & O_PATH) &&
		       lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos)) {
		qr_error("restore: %s: reopened: %s", f->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
