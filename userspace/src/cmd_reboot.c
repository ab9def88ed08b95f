/* quickreboot reboot --kernel VMLINUZ [--initrd F] [--append A] PID...:
 * the whole quick reboot. Loads the New kernel first (not downtime), then
 * checkpoints into the mounted shelter, unmounts it, syncs and kexecs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../modules/common/pfncheck_abi.h"
#include "cli.h"
#include "commands.h"
#include "next_kernel.h"
#include "run.h"
#include "shelter_contract.h"

#define QR_CHECKPOINT_DIR QR_SHELTER_MOUNTPOINT "/cp"

static const char usage[] =
	"usage: quickreboot reboot --kernel VMLINUZ [--initrd FILE] [--append ARGS]\n"
	"                          [--mode zero-copy|copy|auto] PID...\n"
	"Quick reboot into VMLINUZ keeping the processes PID...: loads the New\n"
	"kernel with the command line `quickreboot cmdline --append ARGS` prints,\n"
	"checkpoints the processes into " QR_CHECKPOINT_DIR " (the shelter must\n"
	"be mounted: `quickreboot shelter mount`), unmounts the shelter, syncs\n"
	"and kexecs. Nothing is frozen if the kernel cannot be loaded or a\n"
	"process cannot be kept; if the kexec itself fails, the processes are\n"
	"thawed and go on in this kernel. --mode as for `quickreboot cmdline`:\n"
	"in zero copy the New kernel is placed in the boot area and the\n"
	"processes' private pages stay where they are.\n"
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

/* vmlinuz-VER: VER, for /boot/config-VER. */
static const char *release_of(const char *kernel)
{
	const char *base = strrchr(kernel, '/');

	base = base ? base + 1 : kernel;
	return strncmp(base, "vmlinuz-", 8) ? NULL : base + 8;
}

static int load_kernel(const char *kernel, const char *initrd,
		       const char *append, int want,
		       bool *zero_copy)
{
	char *initrd_opt = NULL, *append_opt = NULL, *min_opt = NULL, *max_opt = NULL;
	struct qr_next_kernel nk;
	int rc;

	rc = qr_next_kernel(NULL, append, want, release_of(kernel), &nk);
	if (rc)
		return rc;
	rc = QR_EXIT_FAIL;
	if (asprintf(&append_opt, "--append=%s", nk.line) < 0 ||
	    (initrd && asprintf(&initrd_opt, "--initrd=%s", initrd) < 0) ||
	    (nk.zero_copy &&
	     (asprintf(&min_opt, "--mem-min=0x%llx", (unsigned long long)nk.boot.start) < 0 ||
	      asprintf(&max_opt, "--mem-max=0x%llx", (unsigned long long)nk.boot.end - 1) < 0)))
		goto out;
	{
		/* The New kernel's segments inside the boot area: the only
		 * memory it believes is RAM. */
		char *argv[] = { "kexec", "-l", (char *)kernel, append_opt,
				 nk.zero_copy ? min_opt : initrd_opt,
				 nk.zero_copy ? max_opt : NULL,
				 nk.zero_copy ? initrd_opt : NULL, NULL };

		if (qr_run(argv))
			qr_error("reboot: kexec -l %s failed: nothing was frozen",
				 kernel);
		else
			rc = QR_EXIT_OK;
	}
	if (!rc)
		printf("New kernel loaded (%s)\n", nk.zero_copy ? "zero copy" : "copy mode");
	*zero_copy = nk.zero_copy;
out:
	free(nk.line);
	free(initrd_opt);
	free(append_opt);
	free(min_opt);
	free(max_opt);
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
		{ "mode", required_argument, 0, 'm' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *kernel = NULL, *initrd = NULL, *append = NULL;
	char **cp_argv, *unload[] = { "kexec", "-u", NULL };
	char *exec_argv[] = { "kexec", "-e", NULL };
	char *umount_argv[] = { "shelter-umount", NULL };
	int opt, rc, n, want = QR_WANT_AUTO;
	bool zero_copy = false;

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
		else if (opt == 'm' && (want = qr_parse_mode(optarg)) < 0)
			return qr_usage_error(usage, "reboot: unknown mode '%s'", optarg);
	}
	n = argc - optind;
	if (!kernel || n < 1)
		return qr_usage_error(usage, "reboot: --kernel and at least one PID are needed");
	if (access(kernel, R_OK) || (initrd && access(initrd, R_OK)))
		return qr_usage_error(usage, "reboot: cannot read %s",
				      access(kernel, R_OK) ? kernel : initrd);

	cp_argv = calloc(n + 6, sizeof(*cp_argv));
	if (!cp_argv)
		return QR_EXIT_FAIL;
	rc = load_kernel(kernel, initrd, append, want, &zero_copy);
	if (rc)
		goto out;
	cp_argv[0] = "checkpoint";
	cp_argv[1] = "--dir";
	cp_argv[2] = QR_CHECKPOINT_DIR;
	cp_argv[3] = "--mode";
	cp_argv[4] = zero_copy ? "zero-copy" : "copy";
	memcpy(cp_argv + 5, argv + optind, n * sizeof(*cp_argv));
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
