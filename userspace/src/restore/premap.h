/* Pages shared copy-on-write between a parent and its child since a fork
 * (image/format.h: QRI_VMA_INHERIT), shared again at restore.
 *
 * Why this way: each process is created by its restored parent before
 * either has its memory (the restorer blob maps it last, once quickreboot's
 * own code is gone). A page two processes share must be one anonymous
 * page in both, found through the same anon_vma, which only fork() (or
 * the kernel's own rmap code) makes: mapping one page into two unrelated
 * processes from a module would leave reclaim and migration blind to one
 * of the mappings. So, as CRIU does, a parent fills the areas its children
 * share with it before it forks them, at a temporary place ("premap")
 * outside every area of the image; the child inherits them copy-on-write,
 * drops the pages it does not share (MADV_DONTNEED) and fills its own;
 * the blob moves each premap to its area with mremap(), which keeps the
 * pages and their sharing. Grandchildren inherit from their parent the
 * same way. Zero copy's frames are adopted after the move, into the holes
 * left for them.
 *
 * Shared only what the image says is the parent's: a page a child wrote
 * after the fork is its own again; a page two siblings share but their
 * parent wrote comes back as a copy in each. */
#ifndef QR_RESTORE_PREMAP_H
#define QR_RESTORE_PREMAP_H

#include <stddef.h>
#include <stdint.h>

#include "image/image.h"
#include "image/proc_tree.h"

struct qr_premap {
	uint64_t start, end;	/* the area */
	uint64_t at;		/* where its contents are, until the blob */
};

/* The process's own, in area order; in a child until it makes its own,
 * its parent's. */
struct qr_premaps {
	struct qr_premap *p;
	size_t n;
};

/* Process i (tree index, a process): the areas it shares with its parent
 * or its children share with it, filled from the pages file in dir, taken
 * from *pm (its parent's) where they are there; *pm becomes its own.
 * Before its children are forked. -1 having printed why. */
int qr_premap_make(const struct qri_image *img, const struct qr_tree *tree,
		   size_t i, const char *dir, struct qr_premaps *pm);

/* The premap of area [start, end), or NULL. */
const struct qr_premap *qr_premap_find(const struct qr_premaps *pm,
				       uint64_t start, uint64_t end);

void qr_premaps_free(struct qr_premaps *pm);

#endif
