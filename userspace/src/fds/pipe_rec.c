/* See pipe_rec.h. */
#include <fcntl.h>
#include <string.h>

#include "fds/pipe_rec.h"
#include "lib/exit.h"

static int bad(const struct qri_file_img *f, const char *why)
{
	qr_error("restore: file %u (%s): %s", f->f.id, f->path, why);
	return -1;
}

int qr_pipe_rec_parse(const struct qri_file_img *f, struct qr_pipe_rec *r,
		      const uint8_t **queue)
{
	if (!f->data || f->f.data_len < sizeof(*r))
		return bad(f, "pipe record shorter than its header");
	memcpy(r, f->data, sizeof(*r));
	if (r->size < QR_PIPE_MIN_SIZE || r->size > QR_PIPE_MAX_SIZE ||
	    (r->size & (r->size - 1)))
		return bad(f, "pipe size is not a power of two pages");
	if (r->flags & ~QR_PIPE_QUEUE || r->pad)
		return bad(f, "pipe record has unknown flags");
	if (r->queue_len > r->size ||
	    (r->queue_len && !(r->flags & QR_PIPE_QUEUE)))
		return bad(f, "pipe queue larger than the pipe");
	if (f->f.data_len - sizeof(*r) != r->queue_len)
		return bad(f, "pipe queue length does not fill the record");
	*queue = f->data + sizeof(*r);
	return 0;
}

int qr_pipe_acc(const struct qri_file_img *f)
{
	int acc = f->f.open_flags & O_ACCMODE;

	if (acc == O_RDONLY || acc == O_WRONLY || acc == O_RDWR)
		return acc;
	return bad(f, "no access mode");
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
