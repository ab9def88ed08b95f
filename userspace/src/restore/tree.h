/* The process tree at restore: each process is created with its PID by
 * its restored parent (or, for a root, by quickreboot restore), one at a
 * time in the order proc_tree.h plans, and every process waits at the end
 * of its restore until all are ready, so that the whole tree resumes
 * together as it was frozen together. */
#ifndef QR_RESTORE_TREE_H
#define QR_RESTORE_TREE_H

#include <stdbool.h>
#include <sys/types.h>

#include "image/image.h"
#include "fds/table.h"
#include "restore/mntns.h"
#include "restore/premap.h"
#include "restore/shmem.h"
#include "restore/sysv.h"
#include "image/proc_tree.h"

/* Index i of the tree: the process img->procs[i] for i < nprocs, else the
 * zombie img->zombies[i - nprocs]. */
struct qr_restore_ctx {
	const struct qri_image *img;
	const char *dir;
	struct qr_tree tree;
	int *status_rd, *status_wr;	/* per tree index */
	int go_rd, go_wr;		/* closing go_wr lets every process go */
	struct qr_files files;		/* made before the first process */
	struct qr_shmem shm;		/* made before the first process */
	struct qr_sysv sysv;		/* made before the first process */
	struct qr_mntns mntns;		/* made before the first process */
	/* In a process being made: its premaps, its parent's until it
	 * makes its own (restore/premap.h). */
	struct qr_premaps premap;
	bool *earlier;		/* per tree index: made by an earlier restore
				 * (killed part way), or NULL for none */
};

/* Pipes and the plan; -1 after printing why. */
int qr_restore_ctx_init(struct qr_restore_ctx *c, const struct qri_image *img,
			const char *dir);
void qr_restore_ctx_free(struct qr_restore_ctx *c);

/* PID and name of tree index i. */
uint32_t qr_restore_pid(const struct qr_restore_ctx *c, size_t i);
const char *qr_restore_comm(const struct qr_restore_ctx *c, size_t i);

/* Process i runs already, made by an earlier restore: not made again. */
bool qr_restore_made(const struct qr_restore_ctx *c, size_t i);

/* Creates process i (tree index) with its PID, which sets its session and
 * group, creates its own subtree, then restores itself; a zombie reports
 * and ends with its status, and is dead (not reaped) on return. Returns
 * once the subtree exists: its PID, or -1 (printed) if i is not there. */
pid_t qr_restore_spawn(struct qr_restore_ctx *c, size_t i);


#endif
