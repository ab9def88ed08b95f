/* Whether the shutdown of an orderly quick reboot can leave a kept unit
 * alone (unit_spare.h). */
#define _GNU_SOURCE
#include "service/unit_spare.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/exit.h"
#include "lib/run.h"

/* The dependencies by which a stop reaches a unit: those of its own
 * (stopping D stops a unit that Requires=, BindsTo=, Requisite= or is
 * PartOf= D), and its slice. */
#define STOP_DEPS "Requires", "BindsTo", "Requisite", "PartOf", "Slice"

static bool named(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Whether the shutdown transaction stops dep: it conflicts with
 * shutdown.target or umount.target (default dependencies of services,
 * slices and mounts). Unknown counts as stopped. */
static bool stopped_at_shutdown(const char *dep)
{
	char *argv[] = { "systemctl", "show", "-p", "Conflicts", "--value", "--",
			 (char *)dep, NULL };
	char out[8192];

	if (qr_run_output(argv, out, sizeof(out)))
		return true;
	for (char *w = strtok(out, " \n"); w; w = strtok(NULL, " \n"))
		if (!strcmp(w, "shutdown.target") || !strcmp(w, "umount.target"))
			return true;
	return false;
}

int qr_units_spare_check(const char *const *units, size_t n)
{
	static const char *const prop[] = { STOP_DEPS };
	int refused = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t p = 0; p < sizeof(prop) / sizeof(prop[0]); p++) {
			char *argv[] = { "systemctl", "show", "-p", (char *)prop[p], "--value",
					 "--", (char *)units[i], NULL };
			char out[8192], *save = NULL;

			if (qr_run_output(argv, out, sizeof(out))) {
				qr_error("%s: systemctl show -p %s failed", units[i], prop[p]);
				return QR_EXIT_FAIL;
			}
			for (char *d = strtok_r(out, " \n", &save); d; d = strtok_r(NULL, " \n", &save)) {
				/* Requires=sysinit.target is a default dependency,
				 * which the spare drop-in takes away. */
				if (named(units, n, d) ||
				    (!strcmp(prop[p], "Requires") && !strcmp(d, "sysinit.target")) ||
				    !stopped_at_shutdown(d))
					continue;
				qr_error("%s: %s=%s, which the shutdown of the quick reboot stops: it would be stopped with it, its frozen processes waited for: not kept",
					 units[i], prop[p], d);
				refused++;
			}
		}
	}
	return refused ? QR_EXIT_UNSAFE : QR_EXIT_OK;
}
