/* The runtime drop-in that makes a kept unit adopt its restored processes
 * (adopt.h). Pure: no I/O. */
#include "service/adopt.h"

void qr_adopt_dropin(const char *exe, struct qr_strbuf *b)
{
	qr_strbuf_printf(b,
		"# Written by quickreboot (its generator, or `restore --boot`): this\n"
		"# unit was kept across a quick reboot and its processes are restored.\n"
		"# Its start adopts them instead of starting new ones. Removed with a\n"
		"# daemon-reload by " QR_ADOPTED_UNIT " once that is done.\n"
		"[Unit]\n"
		"# Its processes run already: the adoption waits for their restore,\n"
		"# not for the rest of the boot (basic.target). Stopped at shutdown\n"
		"# as the default dependencies would.\n"
		"DefaultDependencies=no\n"
		"Conflicts=shutdown.target\n"
		"Before=shutdown.target\n"
		"After=" QR_RESTORE_UNIT "\n"
		"Wants=" QR_ADOPTED_UNIT "\n"
		"Before=" QR_ADOPTED_UNIT "\n"
		"\n"
		"[Service]\n"
		"Type=notify\n"
		"NotifyAccess=all\n"
		"Restart=no\n"
		"PIDFile=\n"
		"# Only `adopt` runs under this drop-in: its messages go to the journal\n"
		"# whatever the service's own output is.\n"
		"StandardOutput=journal\n"
		"StandardError=journal\n"
		"ExecCondition=\n"
		"ExecStartPre=\n"
		"ExecStartPost=\n"
		"ExecStart=\n"
		"# '+': with full privileges whatever User= and sandboxing say, to move\n"
		"# the processes into this unit's cgroup. %%n is this unit's name.\n"
		"ExecStart=+%s adopt %%n\n", exe);
}
