/* What `systemctl show -p Id -p LoadState -p ActiveState -p MainPID -p
 * ControlGroup UNIT` prints, parsed. Pure: no I/O. */
#ifndef QR_UNIT_SHOW_H
#define QR_UNIT_SHOW_H

#include <sys/types.h>

#include "lib/err.h"

#define QR_UNIT_SHOW_PROPS "Id,LoadState,ActiveState,MainPID,ControlGroup"

struct qr_unit_show {
	pid_t main_pid;
	char load_state[32];
	char active_state[32];
	char cgroup[1024];	/* "/system.slice/NAME.service" */
};

/* Every property must be present once, MainPID decimal, ControlGroup empty
 * or an absolute path without "..". Returns 0, or -1 with e set. */
int qr_unit_show_parse(const char *text, struct qr_unit_show *out,
		       struct qr_err *e);

#endif
