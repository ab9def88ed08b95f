/* A regular file's contents in its QRI_FILE record, for files that do not
 * outlive the reboot (deleted, or on a tmpfs): the data only (holes stay
 * holes), up to QR_CONTENTS_MAX bytes, with size, mode and owner. */
#ifndef QR_FDS_CONTENTS_H
#define QR_FDS_CONTENTS_H

#include "fds/kind.h"

#define QR_CONTENTS_MAX (16u << 20)

/* Appends the contents of the file c names to c->data: 0, or -1 having
 * printed why (what: how check names the file, "a deleted file"). */
int qr_contents_capture(struct qr_fd_capture *c, const char *what);

/* The image reader's check of such data, at byte `at` of f's data (a
 * kind may put its own before). */
int qr_contents_valid(const struct qri_file_img *f, size_t at,
		      struct qr_err *e);

/* Writes f's contents (from byte at of its data), mode and owner into the
 * new file fd: 0, or -1 having printed why. */
int qr_contents_write(int fd, const struct qri_file_img *f, size_t at);

/* The mode the contents were saved with (for the file's creation). */
mode_t qr_contents_mode(const struct qri_file_img *f, size_t at);

/* f's own open description of the file made as made: reopened with f's
 * flags, at f's offset; -1 having printed why. */
int qr_contents_reopen(int made, const struct qri_file_img *f);

#endif
