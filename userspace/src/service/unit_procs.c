/* qr_unit_processes(), qr_unit_cgroup() (unit_procs.h): ask systemd, read
 * the cgroup. */
#include "service/unit_procs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/adopt.h"
#include "lib/exit.h"
#include "lib/conf.h"
#include "lib/run.h"
#include "service/unit_show.h"

int qr_unit_cgroup(const char *unit, char *cg, size_t size, pid_t *main_pid)
{
	char *argv[] = { "systemctl", "show", "-p", QR_UNIT_SHOW_PROPS, "--",
			 (char *)unit, NULL };
	struct qr_unit_show u;
	struct qr_err e;
	char out[8192];
	int rc;

	if (!qr_unit_name_valid(unit)) {
		qr_error("'%s' is not a service unit name (NAME.service)", unit);
		return QR_EXIT_USAGE;
	}
	rc = qr_run_output(argv, out, sizeof(out));
	if (rc) {
		qr_error("systemctl show %s failed (exit %d)", unit, rc);
		return QR_EXIT_FAIL;
	}
	if (qr_unit_show_parse(out, &u, &e)) {
		qr_error("systemctl show %s: %s", unit, e.msg);
		return QR_EXIT_FAIL;
	}
	if (strcmp(u.load_state, "loaded") || strcmp(u.active_state, "active") ||
	    !u.main_pid || !u.cgroup[0]) {
		qr_error("%s is not a running service with a main process "
			 "(LoadState=%s ActiveState=%s MainPID=%d)", unit,
			 u.load_state, u.active_state, (int)u.main_pid);
		return QR_EXIT_UNSAFE;
	}
	snprintf(cg, size, "%s", u.cgroup);
	if (main_pid)
		*main_pid = u.main_pid;
	return QR_EXIT_OK;
}

int qr_unit_processes(const char *unit, pid_t **pids, size_t *n)
{
	char cg[1024];
	pid_t main_pid;
	int rc;

	*pids = NULL;
	*n = 0;
	rc = qr_unit_cgroup(unit, cg, sizeof(cg), &main_pid);
	if (rc)
		return rc;
	return qr_cgroup_procs(cg, main_pid, pids, n) ? QR_EXIT_FAIL : QR_EXIT_OK;
}
