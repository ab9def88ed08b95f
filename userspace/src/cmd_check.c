/* quickreboot check PID...: can these processes be kept? */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

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
	int opt, rc, n, refused = 0;
	pid_t *pids;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1)
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
	n = argc - optind;
	if (n < 1)
		return qr_usage_error(usage, "check: at least one PID is needed");
	pids = calloc(n, sizeof(*pids));
	if (!pids)
		return QR_EXIT_FAIL;
	rc = qr_parse_pids(argv + optind, n, pids, "check", usage);
	for (int i = 0; !rc && i < n; i++) {
		int bad = qr_capture_check(pids[i]);

		if (!bad)
			printf("%d: can be kept\n", pids[i]);
		refused += bad;
	}
	free(pids);
	if (rc)
		return rc;
	if (refused) {
		fprintf(stderr, "check: refused: what is named above cannot be carried\n");
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}
