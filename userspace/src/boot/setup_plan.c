/* Setup decision. */
#include "boot/setup_plan.h"

#include <stdio.h>
#include <string.h>

#include "boot/bootarea_place.h"
#include "shelter/plan.h"

static bool same_range(const struct qr_range *a, const struct qr_range *b)
{
	return a->start == b->start && a->size == b->size;
}

/* Whether an earlier shelter can stay; else a note says why not. */
static bool keep(const struct qr_setup_input *in, const struct qr_range *r,
		 uint64_t size, const char *what, char *note, size_t note_size)
{
	struct qr_err e;

	if (r->size != size) {
		snprintf(note, note_size, "%s has another size: replaced", what);
		return false;
	}
	if (qr_shelter_fits(in->io, r, &e) < 0) {
		snprintf(note, note_size, "%s no longer fits (%.200s): replaced", what, e.msg);
		return false;
	}
	return true;
}

int qr_setup_decide(const struct qr_setup_input *in, struct qr_setup_plan *plan,
		    struct qr_err *e)
{
	uint64_t ram = qr_ram_bytes(in->io), size = in->want_size;
	struct qr_err be;

	memset(plan, 0, sizeof(*plan));
	if (!size) {
		/* No size asked: an earlier shelter keeps its size. */
		if (in->active_named)
			size = in->active.size;
		else if (in->dropin_named)
			size = in->dropin.size;
		/* None, or one that is not a shelter's size (a hand-edited
		 * drop-in): the default. */
		if (!size || qr_shelter_check_size(size, ram, &be))
			size = qr_shelter_default_size(ram);
		if (!size)
			return qr_err_set(e, "too little RAM (%llu MiB) for a shelter",
					  (unsigned long long)(ram >> 20));
	}
	if (in->want_size && qr_shelter_check_size(size, ram, e))
		return -1;
	if (in->active_named &&
	    keep(in, &in->active, size, "the running kernel's shelter", plan->note, sizeof(plan->note))) {
		plan->shelter = in->active;
		plan->source = QR_SETUP_KEPT_ACTIVE;
	} else if (in->dropin_named &&
		   (!in->active_named || !same_range(&in->active, &in->dropin)) &&
		   keep(in, &in->dropin, size, "the drop-in's shelter", plan->note, sizeof(plan->note))) {
		plan->shelter = in->dropin;
		plan->source = QR_SETUP_KEPT_DROPIN;
	} else {
		if (qr_shelter_place(in->io, size, &plan->shelter, e))
			return -1;
		plan->source = QR_SETUP_NEW;
	}
	if (in->active_boot && !(in->boot.start < plan->shelter.start + plan->shelter.size &&
				 plan->shelter.start < in->boot.start + in->boot.size)) {
		plan->boot = in->boot;
	} else if (qr_bootarea_place(in->io, qr_bootarea_default_size(ram, QR_MEMORY_BLOCK),
				     QR_MEMORY_BLOCK, &plan->shelter, &plan->boot, &be)) {
		/* Copy mode needs none: the shelter alone still serves. */
		memset(&plan->boot, 0, sizeof(plan->boot));
		snprintf(plan->note, sizeof(plan->note), "%.280s: zero copy unavailable", be.msg);
	}
	plan->reboot_needed = !in->active_named || !same_range(&in->active, &plan->shelter) ||
		(plan->boot.size && (!in->active_boot || !same_range(&in->boot, &plan->boot)));
	return 0;
}
