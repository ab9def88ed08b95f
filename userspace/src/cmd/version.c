/* quickreboot version */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"

#ifndef QR_VERSION
#define QR_VERSION "0.1.0"
#endif

static const char usage[] =
	"usage: quickreboot version\n"
	"Prints the version of quickreboot.\n"
	QR_EXIT_CODES;

int cmd_version(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1)
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
	if (optind < argc)
		return qr_usage_error(usage, "version: unexpected argument '%s'", argv[optind]);
	printf("quickreboot %s\n", QR_VERSION);
	return QR_EXIT_OK;
}
