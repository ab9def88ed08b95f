/* quickreboot shelter mount / umount */
#include <getopt.h>
#include <stdbool.h>

#include "checkpoint/freeze.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/contract.h"
#include "shelter/shelter.h"

static const char mount_usage[] =
	"usage: quickreboot shelter mount [--device DEV] [DIR]\n"
	"Checks the shelter with 'fsck.ext4 -f -n' (read-only, full: the memory\n"
	"crossed a kexec) and mounts it as ext4 with noatime on DIR (default\n"
	QR_SHELTER_MOUNTPOINT ", created if absent). A filesystem\n"
	"with errors is not mounted and left as it is for inspection.\n"
	"  --device DEV  the block device (default " QR_SHELTER_DEVICE ")\n"
	QR_EXIT_CODES;

static const char umount_usage[] =
	"usage: quickreboot shelter umount [DIR]\n"
	"Unmounts the shelter from DIR (default " QR_SHELTER_MOUNTPOINT ").\n"
	"The last step before a kexec: refused (exit 3, nothing unmounted)\n"
	"while a process frozen for the quick reboot was killed (SIGKILL)\n"
	"since its freeze, which must not come back in the New kernel.\n"
	QR_EXIT_CODES;

/* Parses [--device DEV] [DIR]; returns -1 when the command must return *rc. */
static int parse_args(int argc, char **argv, const char *usage, bool device_ok,
		      const char **device, const char **dir, int *rc)
{
	static const struct option with_device[] = {
		{ "device", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	static const struct option without_device[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const struct option *longopts = device_ok ? with_device : without_device;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, rc))
			return -1;
		if (opt == 'd')
			*device = optarg;
	}
	if (optind < argc)
		*dir = argv[optind++];
	if (optind < argc) {
		*rc = qr_usage_error(usage, "shelter %s: unexpected argument '%s'",
				     argv[0], argv[optind]);
		return -1;
	}
	return 0;
}

int cmd_shelter_mount(int argc, char **argv)
{
	struct qr_shelter_mount_opts o = { .device = NULL };
	int rc;

	if (parse_args(argc, argv, mount_usage, true, &o.device, &o.dir, &rc))
		return rc;
	return qr_shelter_mount(&o);
}

int cmd_shelter_umount(int argc, char **argv)
{
	const char *device = NULL, *dir = NULL;
	int rc;

	if (parse_args(argc, argv, umount_usage, false, &device, &dir, &rc))
		return rc;
	/* The last step before a kexec: a process killed while frozen must
	 * not come back in the New kernel. */
	if (qr_frozen_killed_check("shelter umount"))
		return QR_EXIT_UNSAFE;
	return qr_shelter_umount(dir);
}
