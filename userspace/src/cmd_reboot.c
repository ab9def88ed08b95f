/* quickreboot reboot --kernel VMLINUZ [--initrd F] [--append A] PID...:
 * the whole quick reboot. Loads the New kernel first (not downtime), then
 * checkpoints into the mounted shelter, unmounts it, syncs and kexecs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../modules/common/pfncheck_abi.h"
#include "cli.h"
#include "commands.h"
#include "newcmdline.h"
#include "readfile.h"
#include "run.h"
#include "shelter_contract.h"

#define QR_CHECKPOINT_DIR QR_SHELTER_MOUNTPOINT "/cp"

static const char usage[] =
	"usage: quickreboot reboot --kernel VMLINUZ [--initrd FILE] [--append ARGS] PID...\n"
	"Quick reboot into VMLINUZ keeping the processes PID...: loads the New\n"
	"kernel with the command line `quickreboot cmdline --append ARGS` prints,\n"
	"checkpoints the processes into " QR_CHECKPOINT_DIR " (the shelter must\n"
	"be mounted: `quickreboot shelter mount`), unmounts the shelter, syncs\n"
	"and kexecs. Nothing is frozen if the kernel cannot be loaded or a\n"
	"process cannot be kept; if the kexec itself fails, the processes are\n"
	"thawed and go on in this kernel.\n"
	QR_EXIT_CODES;

/* Runs another quickreboot command in this process. */
static int subcommand(int (*cmd)(int, char **), char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	optind = 0;
	return cmd(argc, argv);
}

static int load_kernel(const char *kernel, const char *initrd,
		       const char *append)
{
	char *current = qr_read_file("/proc/cmdline", QR_CMDLINE_MAX);
	char *line = NULL, *initrd_opt = NULL, *append_opt = NULL;
	struct qr_err e = { "" };
	int rc = QR_EXIT_FAIL;

	if (!current) {
		qr_error("reboot: cannot read /proc/cmdline");
		return QR_EXIT_FAIL;
	}
	current[strcspn(current, "\n")] = '\0';
	line = qr_new_cmdline(current, append, &e);
	if (!line) {
		qr_error("reboot: the New kernel's command line: %s", e.msg);
		rc = QR_EXIT_UNSAFE;
		goto out;
	}
	if (asprintf(&append_opt, "--append=%s", line) < 0 ||
	    (initrd && asprintf(&initrd_opt, "--initrd=%s", initrd) < 0))
		goto out;
	{
		char *argv[] = { "kexec", "-l", (char *)kernel, append_opt,
				 initrd_opt, NULL };

		if (qr_run(argv))
			qr_error("reboot: kexec -l %s failed: nothing was frozen",
				 kernel);
		else
			rc = QR_EXIT_OK;
	}
out:
	free(current);
	free(line);
	free(initrd_opt);
	free(append_opt);
	return rc;
}

/* After a failed kexec: the processes go on in this kernel. */
static void thaw_all(char **pids)
{
	int fd = open(PFNCHECK_DEVICE, O_RDWR | O_CLOEXEC);

	for (; fd >= 0 && *pids; pids++) {
		struct pfncheck_thaw t = { .pid = atoi(*pids) };

		if (ioctl(fd, PFNCHECK_IOC_THAW, &t))
			qr_error("reboot: cannot thaw %s", *pids);
	}
	if (fd >= 0)
		close(fd);
}

int cmd_reboot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, 0, 'k' },
		{ "initrd", required_argument, 0, 'i' },
		{ "append", required_argument, 0, 'a' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *kernel = NULL, *initrd = NULL, *append = NULL;
	char **cp_argv, *unload[] = { "kexec", "-u", NULL };
	char *exec_argv[] = { "kexec", "-e", NULL };
	char *umount_argv[] = { "shelter-umount", NULL };
	int opt, rc, n;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'k')
			kernel = optarg;
		else if (opt == 'i')
			initrd = optarg;
		else if (opt == 'a')
			append = optarg;
	}
	n = argc - optind;
	if (!kernel || n < 1)
		return qr_usage_error(usage, "reboot: --kernel and at least one PID are needed");
	if (access(kernel, R_OK) || (initrd && access(initrd, R_OK)))
		return qr_usage_error(usage, "reboot: cannot read %s",
				      access(kernel, R_OK) ? kernel : initrd);

	cp_argv = calloc(n + 4, sizeof(*cp_argv));
	if (!cp_argv)
		return QR_EXIT_FAIL;
	cp_argv[0] = "checkpoint";
	cp_argv[1] = "--dir";
	cp_argv[2] = QR_CHECKPOINT_DIR;
	memcpy(cp_argv + 3, argv + optind, n * sizeof(*cp_argv));

	rc = load_kernel(kernel, initrd, append);
	if (rc)
		goto out;
	rc = subcommand(cmd_checkpoint, cp_argv);
	if (rc) {
		qr_run(unload);
		goto out;
	}
	rc = subcommand(cmd_shelter_umount, umount_argv);
	if (!rc) {
		sync();
		qr_run(exec_argv);
		qr_error("reboot: kexec -e returned");
	}
	/* Still in this kernel: nothing is lost, the processes go on. */
	thaw_all(argv + optind);
	qr_run(unload);
	rc = QR_EXIT_FAIL;
out:
	free(cp_argv);
	return rc;
}
