/* Rebuilding checkpointed processes in the New kernel. */
#ifndef QR_RESTORE_H
#define QR_RESTORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/image.h"
#include "fds/table.h"
#include "restore/shmem.h"
#include "restorer/restorer.h"

/* In the child created with the old PID, once its session, group and
 * children are there (restore/tree.h): files, identity, then the restorer
 * blob, which never returns. On failure before the jump returns -1 after
 * printing why; the child must then exit. status_fd gets the restorer's
 * verdict (restorer.h); the process then waits for the end of file on
 * go_fd before it resumes. Frames of the image (zero copy) are adopted
 * through /dev/qr-restore, after the hand-back. */
struct qr_mntns;

int qr_restore_become(const struct qri_proc_img *pr, const char *dir,
		      const struct qr_files *files, const struct qr_shmem *shm,
		      const struct qr_mntns *mntns, int status_fd, int go_fd);

/* Called once every process has reported, before any resumes, with the
 * PIDs restored: what restore --boot freezes until adopted (adopt.h). */
typedef void qr_restore_hold_fn(const pid_t *ok, size_t nok, void *arg);

/* Restores every process of DIR/image, each with its old PID; one failing
 * leaves the others. The image must be sealed with DIR/pages (image/seal.h)
 * and, with a token, made for the quick reboot that token names. *ok gets the PIDs restored (malloc'd, free it even on
 * failure), *nok their count; hold (if not NULL) is called with them
 * before they resume. Returns a QR_EXIT_* code: FAIL when any
 * process failed, UNSAFE when the image was refused. */
int qr_restore_dir(const char *dir, const char *token, pid_t **ok,
		   size_t *nok, qr_restore_hold_fn *hold, void *arg);

/* The hand-back with no image: a kernel confined to its boot area gets
 * the rest of RAM (nothing to do in a kernel that is not). */
int qr_handback_alone(void);

/* restore --boot (boot.c). */
int qr_restore_boot(void);

/* For each private file mapping in a->vmas (planned already) whose image
 * says which pages are the process's own: only those are filled, the
 * others map the file. */
void qr_restore_plan_own_pages(struct qr_rst_args *a,
			       const struct qri_proc_img *pr);

/* The process's working directory, deleted or not. */
int qr_restore_cwd(const struct qri_proc_img *pr);

/* The process's root directory, set last before the restorer runs: every
 * path in the image (files, cwd, mapped files, the executable) is as
 * quickreboot saw it, from the real root, and must be opened before. */
int qr_restore_root(const struct qri_proc_img *pr);

#endif
