/* Mounting the shelter after fsck, and unmounting it (shelter.h). */
#include "shelter/shelter.h"

#include <errno.h>
#include <libmount.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/run.h"
#include "shelter/contract.h"
#include "shelter/fsck_status.h"

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

int qr_shelter_mount(const struct qr_shelter_mount_opts *o)
{
	const char *device = o->device ? o->device : QR_SHELTER_DEVICE;
	const char *dir = o->dir ? o->dir : QR_SHELTER_MOUNTPOINT;
	struct libmnt_context *cxt;
	int rc;

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

int qr_shelter_umount(const char *dir)
{
	struct libmnt_context *cxt;
	int rc;

	if (!dir)
		dir = QR_SHELTER_MOUNTPOINT;
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
