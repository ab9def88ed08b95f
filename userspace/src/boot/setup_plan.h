/* The decision of "quickreboot setup": which shelter to write, given the
 * current state. Pure: no I/O. */
#ifndef QR_SETUP_PLAN_H
#define QR_SETUP_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "boot/iomem.h"
#include "lib/size.h"

struct qr_setup_input {
	const struct qr_iomem *io;	/* with addresses */
	uint64_t want_size;		/* --shelter, 0 for the default */
	bool active_named;		/* quickreboot.shelter= on /proc/cmdline */
	struct qr_range active;
	bool dropin_named;		/* in the existing drop-in */
	struct qr_range dropin;
	bool active_boot;		/* a boot area the running kernel has */
	struct qr_range boot;
};

enum qr_setup_source {
	QR_SETUP_KEPT_ACTIVE,	/* the running kernel's shelter, unchanged */
	QR_SETUP_KEPT_DROPIN,	/* the drop-in's shelter, not yet booted with */
	QR_SETUP_NEW,		/* newly placed */
};

struct qr_setup_plan {
	struct qr_range shelter;
	enum qr_setup_source source;
	struct qr_range boot;	/* the boot area (bootarea_place.h); size 0: none fits */
	bool reboot_needed;	/* the running kernel does not have these */
	char note[QR_ERR_MAX];	/* why an earlier shelter was not kept, or "" */
};

/* The boot area: the running kernel's if it has one, else placed anew.
 * Keeps an earlier shelter (the running kernel's first, then the
 * drop-in's) when it has the wanted size and still fits (shelter/plan.h:
 * qr_shelter_fits), so that running setup again changes nothing; else
 * places a new one. Returns 0, or -1 with e set. */
int qr_setup_decide(const struct qr_setup_input *in, struct qr_setup_plan *plan,
		    struct qr_err *e);

#endif
