/* `reboot --finish`: step 2 of the orderly quick reboot (orderly.h). */
#include "reboot/orderly.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/freeze.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "lib/run.h"
#include "reboot/final.h"
#include "reboot/reboot.h"

static pid_t *read_pids(size_t *n)
{
	char *text = qr_read_file(QR_KEPT_PIDS, 1 << 20), *s, *end;
	pid_t *v = NULL;

	*n = 0;
	if (!text) {
		qr_error("reboot: %s: %s: which processes are kept is unknown", QR_KEPT_PIDS,
			 strerror(errno));
		return NULL;
	}
	v = calloc(strlen(text) / 2 + 1, sizeof(*v));
	for (s = text; v && *s; s = end) {
		long pid = strtol(s, &end, 10);

		if (end == s || *end != '\n' || pid <= 1) {
			qr_error("reboot: %s: not a list of PIDs", QR_KEPT_PIDS);
			free(v);
			v = NULL;
			break;
		}
		end++;
		v[(*n)++] = (pid_t)pid;
	}
	free(text);
	return v;
}

int qr_reboot_finish(void)
{
	char *exec_argv[] = { "kexec", "-e", NULL };
	char *relinquish[] = { "journalctl", "--relinquish-var", NULL };
	size_t n;
	pid_t *kept = read_pids(&n);

	/* Without the list, every frozen process would be signalled and
	 * waited for: the kexec is not attempted, the reboot is normal. */
	if (!kept)
		return QR_EXIT_FAIL;
	/* journald, ended below, is restarted by systemd (Restart=always),
	 * which systemd-shutdown would not do: its files in /var are closed
	 * cleanly first, and a journald started again stays in /run. */
	if (qr_run(relinquish))
		qr_error("reboot: journalctl --relinquish-var failed: the journal may be left open in /var");
	qr_final_kill(kept, n);
	qr_final_mounts();
	if (!qr_frozen_killed_check("reboot")) {
		printf("reboot: kexec\n");
		fflush(stdout);
		qr_run(exec_argv);
		qr_error("reboot: kexec -e returned");
	}
	qr_reboot_thaw(kept, n);
	qr_error("reboot: the kept processes are thawed; the system reboots normally");
	free(kept);
	return QR_EXIT_FAIL;
}
