/* Regular files deleted while open: their contents travel in the image
 * (the data only, holes stay holes), up to QR_GHOST_MAX bytes of data, and
 * restore makes an unnamed file again (O_TMPFILE) in the directory the
 * file was in, or in /tmp if that is gone, with its size, mode, owner and
 * data. Several open descriptions of one deleted file stay one file: the
 * first one made is reopened for the others. Larger ones are refused by
 * name (a log rotated away can be gigabytes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/kind.h"
#include "lib/exit.h"

#define QR_GHOST_MAX (16u << 20)

/* The kind's data: this, then nextents of (struct ghost_extent, bytes). */
struct ghost_head {
	uint64_t size;
	uint32_t mode, uid, gid, nextents;
};

struct ghost_extent {
	uint64_t off, len;
};

static bool ghost_match(const char *link, const struct stat *st)
{
	return link[0] == '/' && qr_path_deleted(link) && S_ISREG(st->st_mode);
}

/* The extents of data in fd (SEEK_DATA/SEEK_HOLE), appended with their
 * bytes; how many, or -1 when they exceed QR_GHOST_MAX. */
static long extents(int fd, uint64_t size, struct qr_fd_data *d)
{
	static char buf[65536];
	uint64_t total = 0;
	off_t at = 0;
	long n = 0;

	while ((uint64_t)at < size) {
		off_t data = lseek(fd, at, SEEK_DATA), hole;
		struct ghost_extent e;

		if (data < 0)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = size;
		e = (struct ghost_extent){ data, hole - data };
		total += e.len;
		if (total > QR_GHOST_MAX)
			return -1;
		qr_fd_data_add(d, &e, sizeof(e));
		for (uint64_t done = 0; done < e.len;) {
			size_t want = e.len - done < sizeof(buf) ? e.len - done : sizeof(buf);
			ssize_t r = pread(fd, buf, want, data + done);

			if (r <= 0)
				return -1;
			qr_fd_data_add(d, buf, r);
			done += r;
		}
		n++;
		at = hole;
	}
	return n;
}

static int ghost_capture(struct qr_fd_capture *c)
{
	struct ghost_head h = {
		.size = c->st->st_size, .mode = c->st->st_mode & 07777,
		.uid = c->st->st_uid, .gid = c->st->st_gid,
	};
	char path[64];
	size_t at;
	long n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", c->pid, c->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qr_error("process %d: fd %d: deleted file %s: %s", c->pid, c->fd,
			 c->link, strerror(errno));
		return -1;
	}
	c->f->object = (uint64_t)c->st->st_dev << 40 ^ c->st->st_ino;
	at = c->data->len;
	qr_fd_data_add(c->data, &h, sizeof(h));
	n = extents(fd, h.size, c->data);
	close(fd);
	if (n < 0) {
		qr_error("process %d: fd %d is a deleted file (%s) with more than %u MiB of data: not carried",
			 c->pid, c->fd, c->link, QR_GHOST_MAX >> 20);
		return -1;
	}
	h.nextents = n;
	if (!c->data->oom)
		memcpy(c->data->buf + at, &h, sizeof(h));
	return 0;
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

/* The extents of a record's data after its head, each written into fd
 * (none written when fd < 0): 0, or -1 if they are not what the head
 * says or writing failed. */
static int fill(int fd, const struct ghost_head *h, const uint8_t *p,
		size_t left)
{
	for (uint32_t i = 0; i < h->nextents; i++) {
		struct ghost_extent e;

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

static int ghost_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct ghost_head h;

	if (f->f.data_len < sizeof(h))
		return qr_err_set(e, "a deleted file without its contents");
	memcpy(&h, f->data, sizeof(h));
	if (fill(-1, &h, f->data + sizeof(h), f->f.data_len - sizeof(h)))
		return qr_err_set(e, "a deleted file whose %" PRIu32 " extents do not fill its data",
				  h.nextents);
	return 0;
}

/* The first file of the image with f's object: the one made anew. */
static const struct qri_file_img *first_kin(const struct qr_files *t,
					    const struct qri_file_img *f)
{
	const struct qri_image *img = qr_files_image(t);

	for (size_t i = 0; i < img->nfiles; i++)
		if (img->files[i].f.kind == f->f.kind &&
		    img->files[i].f.object == f->f.object)
			return &img->files[i];
	return f;
}

static int ghost_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *kin = first_kin(t, f);
	struct ghost_head h;
	char self[64];
	int made, fd;

	if (kin != f) {
		made = qr_files_get(t, kin->f.id);
	} else {
		memcpy(&h, f->data, sizeof(h));	/* ghost_valid() */
		made = tmpfile_near(f->path, h.mode & 07777);
		if (made < 0) {
			qr_error("restore: %s: no file made again: %s", f->path,
				 strerror(errno));
			return -1;
		}
		if (fill(made, &h, f->data + sizeof(h),
			 f->f.data_len - sizeof(h)) ||
		    fchown(made, h.uid, h.gid) || fchmod(made, h.mode & 07777)) {
			qr_error("restore: %s: contents, owner or mode not set again (an inconsistent record, or %s)",
				 f->path, strerror(errno));
			close(made);
			return -1;
		}
	}
	if (made < 0)
		return -1;
	/* Its own open description, with its flags and offset. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", made);
	fd = open(self, (f->f.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY);
	if (kin == f)
		close(made);
	if (fd < 0 || (!(f->f.open_flags & O_PATH) &&
			lseek(fd, f->f.pos, SEEK_SET) != (off_t)f->f.pos)) {
		qr_error("restore: %s: reopened: %s", f->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

const struct qr_fd_kind qr_fd_ghost = {
	.kind = QRI_FD_GHOST, .name = "deleted file",
	.match = ghost_match, .capture = ghost_capture, .valid = ghost_valid,
	.open = ghost_open,
};
