/* Kept units frozen as a whole for `reboot --unit` (cgroup v2's
 * cgroup.freeze on each unit's cgroup), so that the set of processes
 * listed cannot change before the checkpoint: no fork, no exit (a shell
 * loop's `sleep 2` would otherwise be gone by then). systemd sees it as
 * the unit's FreezerState. The checkpoint's own freeze (pfncheck) then
 * parks the frozen threads where they are. */
#ifndef QR_UNIT_FREEZE_H
#define QR_UNIT_FREEZE_H

#include <stddef.h>

/* The cgroups this process froze (one already frozen is left as found). */
struct qr_unit_freeze {
	char **cg;
	size_t n;
};

/* Freezes each unit's cgroup and waits until it is frozen. Returns 0, or
 * a QR_EXIT_* code after saying why, with every cgroup it froze thawed. */
int qr_units_freeze(const char *const *units, size_t n,
		    struct qr_unit_freeze *f);

/* Thaws every cgroup f froze (saying which one could not be) and forgets
 * them. */
void qr_units_thaw(struct qr_unit_freeze *f);

#endif
