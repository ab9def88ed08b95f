/* See pty.h: the records, checked, and the pair's master found. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "fds/pty.h"
#include "fds/pty_queue.h"

/* Unix98 pty slaves: majors 136..143, 256 minors each. */
#define PTS_MAJOR 136
#define PTS_MAJORS 8

long qr_pty_index(dev_t rdev)
{
	unsigned int ma = major(rdev), mi = minor(rdev);

	if (ma < PTS_MAJOR || ma >= PTS_MAJOR + PTS_MAJORS || mi > 255)
		return -1;
	return (long)(ma - PTS_MAJOR) * 256 + mi;
}

static int access_ok(const struct qri_file_img *f, struct qr_err *e)
{
	uint32_t acc = f->f.open_flags & O_ACCMODE;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return qr_err_set(e, "a terminal open for neither reading nor writing");
	if (f->f.open_flags & O_PATH)
		return qr_err_set(e, "a terminal open with O_PATH");
	return 0;
}

/* An end's record of size bytes, copied into rec once its file's flags
 * and length are checked. */
static int record(const struct qri_file_img *f, void *rec, size_t size,
		  const char *end, struct qr_err *e)
{
	if (access_ok(f, e))
		return -1;
	if (!f->data || f->f.data_len < size)
		return qr_err_set(e, "pty %s record of %u bytes, below %zu", end,
				  f->f.data_len, size);
	memcpy(rec, f->data, size);
	return 0;
}

/* What both ends' records hold alike: the queue that follows the record,
 * and the index that is the file's object. */
static int shared_ok(const struct qri_file_img *f, size_t size,
		     uint32_t index, uint32_t queue_len, uint32_t pad,
		     struct qr_err *e)
{
	if (queue_len > QR_PTY_MAX_QUEUE || pad ||
	    f->f.data_len - size != queue_len)
		return qr_err_set(e, "pty queue of %u bytes in a record of %u",
				  queue_len, f->f.data_len);
	if (index >= QR_PTY_MAX_INDEX || f->f.object != index)
		return qr_err_set(e, "pty index %u out of range or not its object",
				  index);
	return 0;
}

int qr_ptmx_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_ptmx_rec r;

	if (record(f, &r, sizeof(r), "master", e) ||
	    shared_ok(f, sizeof(r), r.index, r.queue_len, r.pad, e))
		return -1;
	if (r.flags & ~(QR_PTY_LOCKED | QR_PTY_PACKET | QR_PTY_EXCL | QR_PTY_HUP))
		return qr_err_set(e, "pty master record has unknown flags 0x%x",
				  r.flags);
	if (r.mode & ~07777u)
		return qr_err_set(e, "pts mode 0%o has more than permission bits",
				  r.mode);
	if (!r.sid != !r.pgrp || r.sid > QRI_PID_MAX || r.pgrp > QRI_PID_MAX)
		return qr_err_set(e, "pty session %u and foreground group %u do not go together",
				  r.sid, r.pgrp);
	return 0;
}

int qr_pts_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_pts_rec r;

	if (record(f, &r, sizeof(r), "slave", e) ||
	    shared_ok(f, sizeof(r), r.index, r.queue_len, r.pad, e))
		return -1;
	if (r.flags & ~QR_PTY_EXCL)
		return qr_err_set(e, "pty slave record has unknown flags 0x%x",
				  r.flags);
	return 0;
}

const struct qri_file_img *qr_pty_master(const struct qri_image *img,
					 uint32_t index)
{
	for (size_t i = 0; i < img->nfiles; i++)
		if (img->files[i].f.kind == QRI_FD_PTMX &&
		    img->files[i].f.object == index)
			return &img->files[i];
	return NULL;
}
