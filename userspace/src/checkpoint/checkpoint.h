/* The checkpoint stage: the processes with all their descendants are
 * checked, frozen, captured and written to a directory (the image last),
 * or thawed on any failure. `quickreboot checkpoint` and `quickreboot
 * reboot` both call it. */
#ifndef QR_CHECKPOINT_H
#define QR_CHECKPOINT_H

#include <stdbool.h>
#include <sys/types.h>

#include "checkpoint/runfiles.h"

struct qr_checkpoint_opts {
	const char *dir;	/* where the image goes, created if absent */
	const pid_t *pids;	/* the roots: each with all its descendants */
	int npids;
	int want;		/* QR_WANT_* (boot/next_kernel.h) */
	bool keep_first_block;	/* keep pages in the first memory block */
	const char *token;	/* the keep record's, sealed in; NULL: none */
	/* Files under /run to carry besides those the processes hold (the
	 * kept units' PIDFile= and RuntimeDirectory=); NULL: none. */
	const struct qr_run_list *run;
};

/* What check says of the processes with all their descendants, before
 * anything is changed: QR_EXIT_UNSAFE when anything is refused (each named
 * on its own line), QR_EXIT_FAIL when they cannot be listed. */
int qr_checkpoint_check(const pid_t *pids, int n, const struct qr_run_list *run);

/* Returns a QR_EXIT_* code; what failed has been printed. On success the
 * processes stay frozen until the kexec. */
int qr_checkpoint(const struct qr_checkpoint_opts *o);

#endif
