/* quickreboot reboot --kernel VMLINUZ [--initrd F] [--append A]
 * [--unit NAME.service]... [PID...]: the whole quick reboot (reboot/);
 * reboot --finish: its last step under systemd (reboot/orderly.h). */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "boot/next_kernel.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "image/keep_record.h"
#include "lib/conf.h"
#include "reboot/orderly.h"
#include "reboot/reboot.h"

static const char usage[] =
	"usage: quickreboot reboot --kernel VMLINUZ [--initrd FILE] [--append ARGS]\n"
	"                          [--mode zero-copy|copy|auto] [--no-kexec-digest]\n"
	"                          [--unit NAME.service]... [PID...]\n"
	"       quickreboot reboot --finish\n"
	"Quick reboot into VMLINUZ keeping the processes of each --unit (every\n"
	"process in its cgroup) and the processes PID...; with neither, what\n"
	QR_CONF_PATH " lists (keep-unit, keep-pid). Loads the New kernel with\n"
	"the command line `quickreboot cmdline --append ARGS` prints, plus\n"
	QR_KEEP_CMDLINE_PARAM "=TOKEN and a PID floor (sysctl.kernel.pid_max=\n"
	"and ns_last_pid=: the New kernel hands out no kept PID before restore);\n"
	"mounts the shelter (loading and formatting a fresh one); writes the keep\n"
	"record (the units and TOKEN) and checkpoints the processes, with each\n"
	"unit's PIDFile= and RuntimeDirectory= (under /run, which the reboot\n"
	"empties: made again before the processes), into\n"
	QR_CHECKPOINT_DIR "; loads the New kernel again if a kept\n"
	"PID or TID is above the floor, or if pages are kept in the first memory\n"
	"block (checkpoint --keep-first-block: their pageblocks hidden from it);\n"
	"unmounts the shelter, syncs and kexecs. Where systemd is PID 1, the\n"
	"rest of the system is shut down first as `systemctl kexec` does it\n"
	"(quickreboot-kexec.target: units stopped in order, the journal out of\n"
	"/var, file systems unmounted), the kept units left out of it: neither\n"
	"stopped, signalled nor waited for; --finish is that target's last step\n"
	"(not for interactive use): the remaining processes but the kept ones\n"
	"ended, file systems unmounted or read-only, kexec.\n"
	"In the New kernel, quickreboot-restore.service restores them and hands\n"
	"each unit its processes back. Nothing is frozen if the kernel cannot be\n"
	"loaded or a process cannot be kept; if the kexec itself fails, the\n"
	"processes are thawed and go on in this kernel.\n"
	"--mode as for `quickreboot cmdline`: in zero copy the New kernel is\n"
	"placed in the boot area and the processes' private pages stay where\n"
	"they are.\n"
	"--no-kexec-digest loads with kexec -i: purgatory then jumps to the New\n"
	"kernel without checking the SHA-256 of what was loaded (a second or\n"
	"more on slow or emulated CPUs; the check catches a loaded kernel or\n"
	"initramfs corrupted before the kexec).\n"
	QR_EXIT_CODES;

int cmd_reboot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, 0, 'k' },
		{ "initrd", required_argument, 0, 'i' },
		{ "append", required_argument, 0, 'a' },
		{ "mode", required_argument, 0, 'm' },
		{ "no-kexec-digest", no_argument, 0, 'D' },
		{ "unit", required_argument, 0, 'u' },
		{ "finish", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	struct qr_reboot_opts o = { .append = "", .want = QR_WANT_AUTO };
	const char **units = calloc(argc, sizeof(*units));
	pid_t *pids = NULL;
	int opt, rc = QR_EXIT_FAIL;
	bool finish = false;

	if (!units)
		return QR_EXIT_FAIL;
	o.units = units;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			goto out;
		if (opt == 'k')
			o.kernel = optarg;
		else if (opt == 'i')
			o.initrd = optarg;
		else if (opt == 'a')
			o.append = optarg;
		else if (opt == 'u')
			units[o.nunits++] = optarg;
		else if (opt == 'D')
			o.no_digest = true;
		else if (opt == 'f')
			finish = true;
		else if (opt == 'm' && (o.want = qr_parse_mode(optarg)) < 0) {
			rc = qr_usage_error(usage, "reboot: unknown mode '%s'", optarg);
			goto out;
		}
	}
	rc = QR_EXIT_USAGE;
	if (finish) {
		rc = argc == optind && !o.kernel && !o.nunits ? qr_reboot_finish() :
		     qr_usage_error(usage, "reboot: --finish takes nothing else");
		goto out;
	}
	if (!o.kernel) {
		qr_usage_error(usage, "reboot: --kernel is needed");
		goto out;
	}
	if (access(o.kernel, R_OK) || (o.initrd && access(o.initrd, R_OK))) {
		qr_usage_error(usage, "reboot: cannot read %s",
			       access(o.kernel, R_OK) ? o.kernel : o.initrd);
		goto out;
	}
	o.npids = argc - optind;
	if (o.npids) {
		pids = calloc(o.npids, sizeof(*pids));
		rc = pids ? qr_parse_pids(argv + optind, (int)o.npids, pids,
					  "reboot", usage) : QR_EXIT_FAIL;
		if (rc)
			goto out;
		o.pids = pids;
	}
	rc = qr_reboot(&o);
out:
	free(units);
	free(pids);
	return rc;
}
