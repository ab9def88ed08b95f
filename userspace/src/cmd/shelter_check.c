/* quickreboot shelter check */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/locate.h"

static const char usage[] =
	"usage: quickreboot shelter check [--region SIZE@ADDR] [--cmdline STRING] [--iomem FILE]\n"
	"Checks that the shelter is page aligned and lies inside a Reserved\n"
	"range of /proc/iomem, overlapping no System RAM. The shelter is\n"
	"--region, or quickreboot.shelter=SIZE@ADDR on the command line, which\n"
	"a memmap=SIZE$ADDR there must reserve.\n"
	"  --region SIZE@ADDR  the shelter's range\n"
	"  --cmdline STRING    read the command line from STRING, not /proc/cmdline\n"
	"  --iomem FILE        read FILE instead of /proc/iomem (which needs root)\n"
	QR_EXIT_CODES;

int cmd_shelter_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, 0, 'r' },
		{ "cmdline", required_argument, 0, 'c' },
		{ "iomem", required_argument, 0, 'i' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *region = NULL, *cmdline = NULL, *iomem = NULL;
	struct qr_range r;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'r')
			region = optarg;
		else if (opt == 'c')
			cmdline = optarg;
		else if (opt == 'i')
			iomem = optarg;
	}
	if (optind < argc)
		return qr_usage_error(usage, "shelter check: unexpected argument '%s'", argv[optind]);
	if (region && cmdline)
		return qr_usage_error(usage, "shelter check: --region and --cmdline exclude each other");
	rc = qr_locate_shelter(region, cmdline, &r);
	if (!rc)
		rc = qr_check_shelter_iomem(iomem, &r);
	if (!rc)
		printf("shelter 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes): reserved\n",
		       r.start, qr_range_last(&r), r.size);
	return rc;
}
