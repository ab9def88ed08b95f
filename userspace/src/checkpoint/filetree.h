/* A tree of files read for restore to make anew (a tmpfs the reboot
 * empties): each file's type, mode, owner and a regular file's contents
 * or a link's target, parents before children, bounded. Shared by the
 * mount namespaces' tmpfs and directories (mntns.c) and the kept units'
 * files under /run (runfiles.c); each says through its hooks what a
 * mount point or a socket file in the tree is to it. */
#ifndef QR_CHECKPOINT_FILETREE_H
#define QR_CHECKPOINT_FILETREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct qr_filetree {
	dev_t dev;		/* the filesystem walked */
	bool read;		/* contents read; else only sizes counted */
	size_t files, max_files;
	uint64_t bytes, max_bytes;
	int refused;
	/* Each file but the first: 1 when it is handled (another mount's
	 * point: not entered), 0 to go on, -1 refused (having called
	 * refuse). */
	int (*covered)(struct qr_filetree *t, const char *rel,
		       struct stat *st);
	/* A socket file: 0 to leave it out, -1 refused. */
	int (*socket)(struct qr_filetree *t, const char *rel, const char *path);
	void (*add)(struct qr_filetree *t, const char *rel,
		    const struct stat *st, const void *data, uint64_t size);
	void (*refuse)(struct qr_filetree *t, const char *rel, const char *what);
	void (*too_big)(struct qr_filetree *t);
	void *arg;
};

/* base/rel (rel "" for base itself) and everything below it: 0, or -1
 * once refused (t->refused counts). */
int qr_filetree_walk(struct qr_filetree *t, const char *base, const char *rel);

/* Counts what t->covered handled as added, and says if past the bounds. */
int qr_filetree_bounded(struct qr_filetree *t);

#endif
