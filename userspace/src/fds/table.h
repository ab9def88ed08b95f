/* Restore's files: every open file description of the image made once, in
 * quickreboot restore before any process exists, and held there at fd
 * numbers above all the image's own; every restored process inherits the
 * table and takes its fds from it by dup2, so that fds which shared a
 * description share it again, across processes too. */
#ifndef QR_FDS_TABLE_H
#define QR_FDS_TABLE_H

#include <stdbool.h>

#include "image/image.h"

struct qr_files {
	const struct qri_image *img;
	int *fd;		/* per img->files index; -1: not made */
	bool *making;		/* a kind asking for a file being made */
	bool *failed;		/* its open failed (printed): not again */
	unsigned int base;	/* above every fd number of the image */
	unsigned int top;	/* above every fd of the table */
};

/* Makes every file. One that fails is printed and left out: only the
 * processes holding it fail (qr_files_take names them), the others are
 * restored. -1 (nothing held) if the table itself cannot be made. */
int qr_files_make(struct qr_files *t, const struct qri_image *img);
void qr_files_close(struct qr_files *t);

/* In the restored process: each of its fds at its number with its
 * FD_CLOEXEC, its kinds' place hooks run, and every other fd closed but
 * keep[0..nkeep) (each at t->top or above). -1 having printed why (a
 * file qr_files_make could not make, named). */
int qr_files_take(const struct qr_files *t, const struct qri_proc_img *pr,
		  const int *keep, int nkeep);

#endif
