/* System V IPC at restore: every segment, semaphore set and message
 * queue of the image made again in quickreboot restore before any
 * process, with its id, key, owner, creator and mode (image/format.h,
 * QRI_SYSV_*); the processes then attach segments by id. One that cannot
 * be made fails the processes known to use it (attached, adjustments on
 * it, or named by QRI_SYSV_USERS), not the others; if no process of the
 * image is restored, what was made is removed. */
#ifndef QR_RESTORE_SYSV_H
#define QR_RESTORE_SYSV_H

#include <stdbool.h>
#include <stddef.h>

#include "image/image.h"

struct qr_sysv_obj {
	uint32_t kind;		/* QRI_SYSV_KIND_* */
	uint32_t id;
};

struct qr_sysv {
	void **held;		/* segments marked for removal, attached here
				 * until the processes attach them */
	size_t nheld;
	struct qr_sysv_obj *made, *failed;
	size_t nmade, nfailed;
};

/* Makes them all, each failure printed and remembered (an id or key the
 * New kernel has already is named; that one is not left behind); -1
 * (nothing made) when the image's pages cannot be read, or out of
 * memory. */
int qr_sysv_make(struct qr_sysv *s, const struct qri_image *img,
		 const char *dir);
/* -1 having printed which, when pr uses an object that was not made. */
int qr_sysv_proc_check(const struct qr_sysv *s, const struct qri_image *img,
		       const struct qri_proc_img *pr);
/* Every object made removed: no process of the image was restored. */
void qr_sysv_remove(struct qr_sysv *s);
/* The objects made whose known users all failed (failed[i]: process i
 * of the image) removed, each named; all of them if all is set. */
void qr_sysv_remove_unused(struct qr_sysv *s, const struct qri_image *img,
			   const bool *failed, bool all);
void qr_sysv_close(struct qr_sysv *s);

#endif
