/* See pipe_rec.h. */
#include <fcntl.h>
#include <string.h>

#include "fds/pipe_rec.h"

int qr_pipe_valid(const struct qri_file_img *f, struct qr_err *e)
{
	uint32_t acc = f->f.open_flags & O_ACCMODE;
	struct qr_pipe_rec r;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return qr_err_set(e, "a pipe open for neither reading nor writing");
	if (!f->data || f->f.data_len < sizeof(r))
		return qr_err_set(e, "pipe record shorter than its header");
	memcpy(&r, f->data, sizeof(r));
	if (r.size < QR_PIPE_MIN_SIZE || r.size > QR_PIPE_MAX_SIZE ||
	    (r.size & (r.size - 1)))
		return qr_err_set(e, "pipe size %u is not a power of two pages",
				  r.size);
	if (r.flags & ~QR_PIPE_QUEUE || r.pad)
		return qr_err_set(e, "pipe record has unknown flags");
	if (r.queue_len > r.size || (r.queue_len && !(r.flags & QR_PIPE_QUEUE)))
		return qr_err_set(e, "pipe queue of %u bytes in a pipe of %u",
				  r.queue_len, r.size);
	if (f->f.data_len - sizeof(r) != r.queue_len)
		return qr_err_set(e, "pipe queue of %u bytes in a record of %u",
				  r.queue_len, f->f.data_len);
	return 0;
}

void qr_pipe_rec(const struct qri_file_img *f, struct qr_pipe_rec *r,
		 const uint8_t **queue)
{
	memcpy(r, f->data, sizeof(*r));
	*queue = f->data + sizeof(*r);
}

/* Files of one pipe. A FIFO's inode number is unique only on its
 * filesystem: the path tells two apart. */
static int kin(const struct qri_file_img *a, const struct qri_file_img *b)
{
	return a->f.kind == b->f.kind && a->f.object == b->f.object &&
		(a->f.kind != QRI_FD_FIFO || !strcmp(a->path, b->path));
}

static int carries(const struct qri_file_img *f)
{
	struct qr_pipe_rec r;

	if (!f->data || f->f.data_len < sizeof(r))
		return 0;
	memcpy(&r, f->data, sizeof(r));
	return r.flags & QR_PIPE_QUEUE;
}

const struct qri_file_img *qr_pipe_maker(const struct qri_image *img,
					 const struct qri_file_img *f)
{
	const struct qri_file_img *first = NULL;

	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *o = &img->files[i];

		if (!kin(f, o))
			continue;
		if (carries(o))
			return o;
		if (!first)
			first = o;
	}
	return first ? first : f;
}

const struct qri_file_img *qr_pipe_peer(const struct qri_image *img,
					const struct qri_file_img *maker)
{
	int acc = maker->f.open_flags & O_ACCMODE, other;

	if (acc != O_RDONLY && acc != O_WRONLY)
		return NULL;
	other = acc == O_RDONLY ? O_WRONLY : O_RDONLY;
	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *o = &img->files[i];

		if (o != maker && kin(maker, o) &&
		    (o->f.open_flags & O_ACCMODE) == (uint32_t)other)
			return o;
	}
	return NULL;
}
