/* Which processes a checkpoint of some PIDs takes: each of them with all
 * its descendants (children, their children...), as /proc shows them, and
 * whether restore can rebuild their tree (proc_tree.h). */
#ifndef QR_CAPTURE_TREE_H
#define QR_CAPTURE_TREE_H

#include <sys/types.h>

#include "image/format.h"

struct qr_subtree {
	pid_t *pids;		/* the roots as given, then descendants, parents first */
	pid_t *ppids;
	int n;
	int nroots;		/* the first nroots: given (each once) */
	/* Descendants that exited and were not reaped: not frozen, kept
	 * as zombies (image/format.h). */
	struct qri_zombie *zombies;
	int nzombies;
};

/* Fills st and returns how many things cannot be carried (quickreboot
 * itself, an arrangement of sessions and groups restore cannot rebuild),
 * each named on stderr; -1 on an error (printed). */
int qr_subtree_find(const pid_t *roots, int nroots, struct qr_subtree *st);
void qr_subtree_free(struct qr_subtree *st);

/* 1 if a and b hold the same processes and zombies (in any order). */
int qr_subtree_same(const struct qr_subtree *a, const struct qr_subtree *b);

#endif
