/* quickreboot shelter mount / umount */
#include <errno.h>
#include <getopt.h>
#include <libmount.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/fsck_status.h"
#include "lib/run.h"
#include "shelter/contract.h"

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

/* mkdir -p, for the default mount point under /run. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t len = strlen(dir);

	if (len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = c;
		if (!c)
			return 0;
	}
}

static int fsck(const char *device)
{
	char *argv[] = { "fsck.ext4", "-f", "-n", (char *)device, NULL };
	char text[256];
	int status = qr_run(argv);

	if (status == 0)
		return QR_EXIT_OK;
	if (status == 127 || status > 128) {
		qr_error("shelter mount: fsck.ext4 did not run to the end (status %d); not mounting",
			 status);
		return QR_EXIT_FAIL;
	}
	qr_error("shelter mount: fsck.ext4 -f -n %s: %s; not mounting", device,
		 qr_fsck_status_text(status, text, sizeof(text)));
	return QR_EXIT_UNSAFE;
}

/* A context that reads no fstab or mtab, runs no /sbin/mount.* helper and
 * writes no utab: the same behaviour in an initramfs as on the system. */
static struct libmnt_context *new_context(void)
{
	struct libmnt_context *cxt = mnt_new_context();

	if (!cxt)
		return NULL;
	if (mnt_context_set_optsmode(cxt, MNT_OMODE_NOTAB) ||
	    mnt_context_disable_helpers(cxt, 1) ||
	    mnt_context_disable_mtab(cxt, 1)) {
		mnt_free_context(cxt);
		return NULL;
	}
	return cxt;
}

static int report(struct libmnt_context *cxt, int rc, const char *what)
{
	char buf[512] = "";

	if (mnt_context_get_excode(cxt, rc, buf, sizeof(buf)) == MNT_EX_SUCCESS)
		return QR_EXIT_OK;
	qr_error("shelter %s: %s", what, buf[0] ? buf : strerror(rc < 0 ? -rc : rc));
	return QR_EXIT_FAIL;
}

int cmd_shelter_mount(int argc, char **argv)
{
	const char *device = QR_SHELTER_DEVICE, *dir = QR_SHELTER_MOUNTPOINT;
	struct libmnt_context *cxt;
	int rc;

	if (parse_args(argc, argv, mount_usage, true, &device, &dir, &rc))
		return rc;
	if (access(device, F_OK)) {
		qr_error("shelter mount: %s: %s", device, strerror(errno));
		return QR_EXIT_FAIL;
	}
	rc = fsck(device);
	if (rc)
		return rc;
	if (make_dirs(dir)) {
		qr_error("shelter mount: cannot create %s: %s", dir, strerror(errno));
		return QR_EXIT_FAIL;
	}
	cxt = new_context();
	if (!cxt || mnt_context_set_source(cxt, device) ||
	    mnt_context_set_target(cxt, dir) ||
	    mnt_context_set_fstype(cxt, "ext4") ||
	    mnt_context_set_options(cxt, "noatime")) {
		qr_error("shelter mount: cannot set up libmount");
		mnt_free_context(cxt);
		return QR_EXIT_FAIL;
	}
	rc = report(cxt, mnt_context_mount(cxt), "mount");
	mnt_free_context(cxt);
	return rc;
}

int cmd_shelter_umount(int argc, char **argv)
{
	const char *device = NULL, *dir = QR_SHELTER_MOUNTPOINT;
	struct libmnt_context *cxt;
	int rc;

	if (parse_args(argc, argv, umount_usage, false, &device, &dir, &rc))
		return rc;
	cxt = new_context();
	if (!cxt || mnt_context_set_target(cxt, dir)) {
		qr_error("shelter umount: cannot set up libmount");
		mnt_free_context(cxt);
		return QR_EXIT_FAIL;
	}
	rc = report(cxt, mnt_context_umount(cxt), "umount");
	mnt_free_context(cxt);
	return rc;
}
