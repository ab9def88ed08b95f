/* The kept units' and processes' files under /run made again
 * (image/format.h, QRI_RUN_MOUNT), before any process opens one. */
#ifndef QR_RESTORE_RUNFILES_H
#define QR_RESTORE_RUNFILES_H

#include <stdbool.h>

#include "image/image.h"

/* Every file of img's /run mounts: a file that cannot be made is named
 * and the others made (again: an earlier restore of the image made
 * them, a file found is taken as it is). Returns how many failed. */
int qr_runfiles_make(const struct qri_image *img, bool again);

#endif
