/* quickreboot thaw PID...: lets a checkpoint's processes go on. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checkpoint/freeze.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "fds/netlock.h"

static const char usage[] =
	"usage: quickreboot thaw PID...\n"
	"Thaws each process and every process frozen with it (its checkpoint,\n"
	"descendants included): they go on in this kernel as before, and the\n"
	"checkpoint is abandoned (a quick reboot now would not keep them). A\n"
	"process sent SIGKILL while frozen dies now. A process frozen by a\n"
	"checkpoint still in progress is refused (that checkpoint thaws it\n"
	"when it ends or dies).\n"
	QR_EXIT_CODES;

int cmd_thaw(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	int opt, rc, n, fd, bad = 0;
	pid_t pid;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1)
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
	n = argc - optind;
	if (n < 1)
		return qr_usage_error(usage, "thaw: at least one PID is needed");
	for (int i = 0; i < n; i++)
		if (qr_parse_pid(argv[optind + i], &pid))
			return qr_usage_error(usage, "thaw: '%s' is not a PID",
					      argv[optind + i]);
	fd = open(PFNCHECK_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		qr_error("thaw: /dev/pfncheck: pfncheck is not loaded: nothing is frozen");
		return QR_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		qr_parse_pid(argv[optind + i], &pid);
		/* Its TCP sockets locked by the checkpoint take packets again. */
		qr_netunlock(&pid, 1);
		rc = qr_thaw_set(fd, pid, "thaw");
		if (rc > 0)
			qr_error("thaw: process %d is not frozen", pid);
		bad += rc != 0;
	}
	close(fd);
	return bad ? QR_EXIT_FAIL : QR_EXIT_OK;
}
