/* One file of a tree the checkpoint read (checkpoint/filetree.h) made
 * again: a mount namespace's tmpfs and directories (mntns.c), the kept
 * files under /run (runfiles.c). */
#ifndef QR_RESTORE_FILEMAKE_H
#define QR_RESTORE_FILEMAKE_H

#include "image/image.h"

/* en made under base (base itself when its path is ""), with its mode
 * and owner. A directory that exists is taken: given en's mode and owner
 * if en is the tree's root, left as it is with QRI_RUN_ABOVE. 0, or -1
 * with errno. */
int qr_file_make(const char *base, const struct qri_mount_entry_img *en);

#endif
