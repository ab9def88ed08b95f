/* System V IPC at restore: every segment, semaphore set and message
 * queue of the image made again in quickreboot restore before any
 * process, with its id, key, owner, creator and mode (image/format.h,
 * QRI_SYSV_*); the processes then attach segments by id. */
#ifndef QR_RESTORE_SYSV_H
#define QR_RESTORE_SYSV_H

#include <stddef.h>

#include "image/image.h"

struct qr_sysv {
	void **held;		/* segments marked for removal, attached here
				 * until the processes attach them */
	size_t nheld;
};

/* Makes them all; -1 having printed which failed (an id or key the New
 * kernel has already is named; that one is not left behind). */
int qr_sysv_make(struct qr_sysv *s, const struct qri_image *img,
		 const char *dir);
void qr_sysv_close(struct qr_sysv *s);

#endif
