/* quickreboot shelter mkfs */
#include <getopt.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/contract.h"
#include "shelter/shelter.h"

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
	return qr_shelter_mkfs(device);
}
