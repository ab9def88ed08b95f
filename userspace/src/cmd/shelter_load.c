/* quickreboot shelter load */
#include <getopt.h>
#include <stdbool.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/contract.h"
#include "shelter/shelter.h"

static const char usage[] =
	"usage: quickreboot shelter load [--region SIZE@ADDR] [--format]\n"
	"Loads the " QR_SHELTER_MODULE " module over the shelter, which becomes "
	QR_SHELTER_DEVICE ".\n"
	"The shelter is --region, or else quickreboot.shelter=SIZE@ADDR on\n"
	"/proc/cmdline, which a memmap=SIZE$ADDR there must reserve. Either way\n"
	"/proc/iomem must show it inside Reserved and outside System RAM.\n"
	"shelter.* options on /proc/cmdline and in modprobe.d apply too.\n"
	"  --region SIZE@ADDR  the shelter's range (K/M/G/T suffixes, 0x hex)\n"
	"  --format            let the module initialise a fresh or corrupt shelter\n"
	"                      (without it, such a shelter is refused, not erased)\n"
	"An already loaded module is an error: its parameters cannot change.\n"
	QR_EXIT_CODES;

int cmd_shelter_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, 0, 'r' },
		{ "format", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	struct qr_shelter_load_opts o = { .region = NULL };
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'r')
			o.region = optarg;
		else if (opt == 'f')
			o.format = true;
	}
	if (optind < argc)
		return qr_usage_error(usage, "shelter load: unexpected argument '%s'", argv[optind]);
	return qr_shelter_load(&o);
}
