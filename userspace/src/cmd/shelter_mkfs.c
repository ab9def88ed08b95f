/* quickreboot shelter mkfs */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/run.h"
#include "shelter/contract.h"

/* No journal: the shelter is unmounted cleanly before every kexec, so a
 * journal would only add writes; fsck.ext4 verifies it before it is mounted
 * in the New kernel. No discard: the device is plain memory. */
static const char usage[] =
	"usage: quickreboot shelter mkfs [--device DEV]\n"
	"Makes an ext4 filesystem (no journal, 4 KiB blocks, no discard, label\n"
	QR_SHELTER_LABEL ") on the shelter with mkfs.ext4. Everything in the\n"
	"shelter is lost. No journal: the shelter is unmounted cleanly before\n"
	"every kexec, and checked with fsck.ext4 before every mount.\n"
	"  --device DEV  the block device (default " QR_SHELTER_DEVICE ")\n"
	QR_EXIT_CODES;

int cmd_shelter_mkfs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *device = QR_SHELTER_DEVICE;
	struct stat st;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'd')
			device = optarg;
	}
	if (optind < argc)
		return qr_usage_error(usage, "shelter mkfs: unexpected argument '%s'", argv[optind]);
	if (stat(device, &st)) {
		qr_error("shelter mkfs: %s: %s%s", device, strerror(errno),
			 errno == ENOENT ? " (run 'quickreboot shelter load' first)" : "");
		return QR_EXIT_FAIL;
	}
	/* A single -F keeps mkfs.ext4's refusal of a mounted device. */
	char *mkfs[] = {
		"mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-b", "4096",
		"-E", "nodiscard", "-L", QR_SHELTER_LABEL, (char *)device, NULL,
	};
	rc = qr_run(mkfs);
	if (rc) {
		qr_error("shelter mkfs: mkfs.ext4 %s failed (exit %d)", device, rc);
		return QR_EXIT_FAIL;
	}
	return QR_EXIT_OK;
}
