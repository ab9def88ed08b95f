/* quickreboot check PID...: can these processes be kept? */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "commands.h"

static const char usage[] =
	"usage: quickreboot check PID...\n"
	"Says whether a quick reboot can keep these processes: names every\n"
	"process and resource that cannot be carried (sockets, pipes, eventfds,\n"
	"shared anonymous memory, devices, traced processes, ...). Reads /proc\n"
	"only: nothing is frozen or changed.\n"
	QR_EXIT_CODES;

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	int opt, rc, refused = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1)
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
	if (optind == argc)
		return qr_usage_error(usage, "check: at least one PID is needed");
	for (int i = optind; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*end || pid <= 1 || pid == getpid())
			return qr_usage_error(usage, "check: '%s' is not a PID that can be kept",
					      argv[i]);
	}
	for (int i = optind; i < argc; i++) {
		int n = qr_capture_check((pid_t)strtol(argv[i], NULL, 10));

		if (!n)
			printf("%s: can be kept\n", argv[i]);
		refused += n;
	}
	if (refused) {
		fprintf(stderr, "check: refused: what is named above cannot be carried\n");
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}
