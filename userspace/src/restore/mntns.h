/* Mount namespaces at restore (mntns.c): each of the image's rebuilt once
 * in a helper process, before any process, and held as an fd; its
 * processes enter it before they take their working directory. */
#ifndef QR_RESTORE_MNTNS_H
#define QR_RESTORE_MNTNS_H

#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

struct qr_mntns {
	uint64_t *ns;		/* the image's namespace ids */
	int *fd;		/* its rebuilt one, -1 if it failed (said) */
	size_t n;
	unsigned int above;	/* fds at or above */
};

/* Rebuilds every namespace of img; one that fails is said and its
 * processes fail when they enter it. -1 only without memory. */
int qr_mntns_make(struct qr_mntns *m, const struct qri_image *img,
		  unsigned int above);
void qr_mntns_close(struct qr_mntns *m);

/* The fd of pr's namespace: 0 and *fd_out -1 for init's; -1 for one
 * that failed (said); 0 else. */
int qr_mntns_fd(const struct qr_mntns *m, const struct qri_proc_img *pr,
		int *fd_out);

/* Enters the namespace of fd (then closed), at its root. */
int qr_mntns_enter(const struct qri_proc_img *pr, int fd);

#endif
