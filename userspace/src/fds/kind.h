/* The kinds of file descriptor a checkpoint carries: one entry each, with
 * its capture, what its image record holds and its restore together, as
 * CRIU's fdtype_ops. A kind the table does not have is refused by `check`
 * and `checkpoint` before anything is frozen, and by the image reader.
 * Adding a kind: its QRI_FD_* value (image/format.h), a file here with its
 * entry, and that entry in qr_fd_kinds (kind.c). */
#ifndef QR_FD_KIND_H
#define QR_FD_KIND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "image/image.h"

struct qr_fd_kind {
	uint32_t kind;		/* QRI_FD_*, as in the image */
	const char *name;
	/* Whether an fd with this /proc/PID/fd link and stat is this kind. */
	bool (*match)(const char *link, const struct stat *st);
	/* Fills the kind's fields of f beyond what every fd has (pos and
	 * flags from fdinfo): 0, or -1 having printed why. NULL: nothing. */
	int (*capture)(pid_t pid, struct qri_fd *f, const char *link);
	/* In the restored process: a new fd for f (any number; it is moved
	 * to its own), or -1 having printed why. */
	int (*open)(const struct qri_proc_img *pr, const struct qri_fd_img *f);
};

extern const struct qr_fd_kind qr_fd_file, qr_fd_dir, qr_fd_chardev;

/* For kinds reopened by path: open(2) with the recorded flags (O_CREAT,
 * O_EXCL and O_TRUNC did their work at the first open) and extra. */
int qr_fd_reopen(const struct qri_proc_img *pr, const struct qri_fd_img *f,
		 int extra);

/* The kind with this QRI_FD_* value, NULL if none. */
const struct qr_fd_kind *qr_fd_kind(uint32_t kind);

/* The kind of an fd from its link and stat, NULL if none carries it. */
const struct qr_fd_kind *qr_fd_kind_match(const char *link,
					  const struct stat *st);

#endif
