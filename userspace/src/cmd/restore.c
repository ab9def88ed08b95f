/* quickreboot restore --dir DIR | --boot (restore/). */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "restore/restore.h"

static const char usage[] =
	"usage: quickreboot restore --dir DIR\n"
	"       quickreboot restore --boot\n"
	"       quickreboot restore --handback-only\n"
	"Verifies DIR/image (a bad image is refused and left in place) and\n"
	"rebuilds every process in it with its old PID, memory (from DIR/pages,\n"
	"and in zero copy the frames left in place, adopted through the restore\n"
	"module), files, credentials and registers; each continues where it\n"
	"stopped. Each process is created by its restored parent, with its\n"
	"session and process group; a process whose parent was not checkpointed\n"
	"becomes a child of init. All resume together once all are ready. One\n"
	"failing leaves the others (its descendants are not created if it fails\n"
	"first) and its frames are freed. In a kernel confined to a boot area,\n"
	"the rest of RAM is handed back first (the image's frames held aside,\n"
	"the next boot area kept), once per boot. Without DIR/image it fails and\n"
	"hands nothing back: the frames of a checkpoint stay held.\n"
	"Killed part way (kill -9, a start timeout), it can run again: the\n"
	"processes the first one made are left running, the others are made\n"
	"from the frames the restore module still holds.\n"
	"--handback-only hands the hidden RAM back when there is nothing to\n"
	"restore: the frames of any checkpoint go to the page allocator.\n"
	"--boot is what quickreboot-restore.service runs early in the New\n"
	"kernel's boot: the hand-back alone unless the command line\n"
	"has quickreboot.restore=TOKEN (put there by `quickreboot reboot`); then\n"
	"it mounts the shelter, restores its checkpoint if its keep record has\n"
	"the same token, and hands each kept service's processes to its systemd\n"
	"unit (see quickreboot(8), SYSTEMD).\n"
	QR_EXIT_CODES;

int cmd_restore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "boot", no_argument, 0, 'b' },
		{ "handback-only", no_argument, 0, 'H' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *dir = NULL;
	bool boot = false, handback_only = false;
	pid_t *ok;
	size_t nok;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'b')
			boot = true;
		else if (opt == 'H')
			handback_only = true;
	}
	if (optind < argc || !!dir + boot + handback_only != 1)
		return qr_usage_error(usage, "restore: one of --dir DIR, --boot or --handback-only, and nothing else, is needed");
	if (boot)
		return qr_restore_boot();
	if (handback_only)
		return qr_handback_alone();
	rc = qr_restore_dir(dir, NULL, &ok, &nok, NULL, NULL);
	free(ok);
	return rc;
}
