/* The whole quick reboot: loads the New kernel first (not downtime), then
 * checkpoints the kept processes into the shelter, unmounts it, syncs and
 * kexecs. `quickreboot reboot` parses its options into qr_reboot_opts. */
#ifndef QR_REBOOT_H
#define QR_REBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shelter/contract.h"

#define QR_CHECKPOINT_DIR QR_SHELTER_MOUNTPOINT "/cp"

struct qr_reboot_opts {
	const char *kernel, *initrd;
	const char *append;	/* the caller's New kernel parameters */
	int want;		/* QR_WANT_* (boot/next_kernel.h) */
	bool no_digest;		/* kexec -i */
	const char *const *units;	/* kept whole, every process of each */
	size_t nunits;
	const pid_t *pids;	/* kept with their descendants */
	size_t npids;		/* with no unit nor PID: what the config lists */
};

/* Returns only on failure (a QR_EXIT_* code): nothing was frozen, or the
 * frozen processes were thawed and go on in this kernel. */
int qr_reboot(const struct qr_reboot_opts *o);

/* After a failed kexec: the processes go on in this kernel, every one of
 * the checkpoint's set (descendants of the PIDs given too). */
void qr_reboot_thaw(const pid_t *pids, size_t n);

#endif
