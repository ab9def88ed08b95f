/* quickreboot checkpoint --dir DIR PID...: check, freeze, capture, write. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>

#include "boot/first_block.h"
#include "boot/next_kernel.h"
#include "checkpoint/checkpoint.h"
#include "cmd/cli.h"
#include "cmd/commands.h"

static const char usage[] =
	"usage: quickreboot checkpoint --dir DIR [--mode zero-copy|copy|auto]\n"
	"                              [--keep-first-block] [--keep-run PATH]... PID...\n"
	"Checkpoints the processes with all their descendants (see check) into\n"
	"DIR/image and, in copy mode, their\n"
	"private memory into DIR/pages. In zero copy (auto: when there is a boot\n"
	"area, see `quickreboot cmdline`) their anonymous pages stay where they\n"
	"are, pinned, and the image names their frames; the New kernel must then\n"
	"be confined to the boot area (`quickreboot cmdline --mode zero-copy`,\n"
	"or `quickreboot reboot`, which matches them). What cannot be carried\n"
	"(sockets, pipes,\n"
	"shared memory, devices, open deleted files, traced processes, ...) is\n"
	"named and refused before anything is frozen (exit 3). Processes are\n"
	"frozen with the pfncheck module (loaded if needed): no thread runs, no\n"
	"signal is delivered, no parent sees a stop. On success they stay frozen\n"
	"until the kexec (or `quickreboot thaw`); on failure, or if this command\n"
	"is killed, they are thawed and go on as before. One checkpoint at a\n"
	"time per DIR (a second one fails at once, nothing frozen). The previous\n"
	"checkpoint in DIR is replaced only once the new one is complete: the\n"
	"shelter needs room for both. A process sent SIGKILL while frozen fails\n"
	"the checkpoint (all thawed, that one dies); sent after it, `shelter\n"
	"umount` and `reboot` refuse to go on to the kexec.\n"
	"In zero copy, pages that cannot be moved out of the first memory block\n"
	"(where every kernel runs) are copied; with --keep-first-block they are\n"
	"kept too, and their 2 MiB pageblocks are written to\n"
	"DIR/" QR_FIRST_BLOCK_FILE ": the New kernel must then be loaded with\n"
	"`quickreboot cmdline --hide-from DIR` (reboot does both).\n"
	"--keep-run PATH carries a file or directory tree under /run (on a tmpfs\n"
	"mounted at /run or below it, which the reboot empties) with its\n"
	"contents, modes and owners, as `reboot --unit` does for a unit's\n"
	"PIDFile= and RuntimeDirectory=; the files the processes hold open there\n"
	"travel anyway.\n"
	QR_EXIT_CODES;

int cmd_checkpoint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "mode", required_argument, 0, 'm' },
		{ "keep-first-block", no_argument, 0, 'K' },
		{ "keep-run", required_argument, 0, 'r' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	struct qr_checkpoint_opts o = { .want = QR_WANT_AUTO };
	struct qr_run_list run = { 0 };
	pid_t *pids = NULL;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc)) {
			qr_run_list_free(&run);
			return rc;
		}
		if (opt == 'r' && qr_run_list_add(&run, "--keep-run ", optarg)) {
			qr_run_list_free(&run);
			return QR_EXIT_FAIL;
		}
		if (opt == 'd')
			o.dir = optarg;
		else if (opt == 'K')
			o.keep_first_block = true;
		else if (opt == 'm' && (o.want = qr_parse_mode(optarg)) < 0) {
			qr_run_list_free(&run);
			return qr_usage_error(usage, "checkpoint: unknown mode '%s'", optarg);
		}
	}
	o.npids = argc - optind;
	o.run = &run;
	pids = !o.dir || o.npids < 1 ? NULL : calloc(o.npids, sizeof(*pids));
	if (!pids) {
		qr_run_list_free(&run);
		return !o.dir || o.npids < 1 ?
			qr_usage_error(usage, "checkpoint: --dir and at least one PID are needed") :
			QR_EXIT_FAIL;
	}
	rc = qr_parse_pids(argv + optind, o.npids, pids, "checkpoint", usage);
	o.pids = pids;
	if (!rc)
		rc = qr_checkpoint(&o);
	free(pids);
	qr_run_list_free(&run);
	return rc;
}
