/* What restore --boot waits for (restore/boot_wait.c): the kept
 * processes' paths against the mount units systemd has loaded. */
#include <string.h>

#include "restore/boot_wait.h"
#include "test.h"

static const char mounts[] =
	"Id=-.mount\nWhere=/\nActiveState=active\n\n"
	"Id=var.mount\nWhere=/var\nActiveState=activating\n\n"
	"Id=srv-data.mount\nActiveState=inactive\nWhere=/srv/data\n\n"
	"Id=gone.mount\nWhere=\nActiveState=inactive\n\n"
	"Id=mnt-qr.mount\nWhere=/mnt/qr\nActiveState=active\n";

static unsigned int needs(const char *exe, const char *cwd, const char *file,
			  uint64_t mntns)
{
	struct qri_vma_img vma = { .path = (char *)exe };
	struct qri_file_img f = { .path = (char *)file };
	struct qri_proc_img pr = { .cwd = (char *)cwd, .root = "/", .vmas = &vma,
				   .nvmas = 1, .mntns = mntns };
	struct qri_image img = { .procs = &pr, .nprocs = 1, .files = &f, .nfiles = 1 };

	return qr_boot_wait_needs(&img, mounts);
}

TEST(boot_wait_root_only)
{
	CHECK_U64(needs("/usr/sbin/nginx", "/", "/mnt/qr/x", 0), 0);
	/* Anonymous memory, sockets and the like have no path. */
	CHECK_U64(needs(NULL, "/", "socket:[123]", 0), 0);
	/* /variable is not under /var. */
	CHECK_U64(needs("/variable/x", "/", NULL, 0), 0);
}

TEST(boot_wait_mount_pending)
{
	CHECK_U64(needs("/usr/bin/x", "/", "/var/lib/x/state", 0), QR_WAIT_LOCAL_FS);
	CHECK_U64(needs("/usr/bin/x", "/var", NULL, 0), QR_WAIT_LOCAL_FS);
	CHECK_U64(needs("/srv/data/bin/x", "/", NULL, 0), QR_WAIT_LOCAL_FS);
}

TEST(boot_wait_tmpfiles)
{
	CHECK_U64(needs("/usr/bin/x", "/tmp", NULL, 0), QR_WAIT_LOCAL_FS | QR_WAIT_TMPFILES);
	CHECK_U64(needs("/usr/bin/x", "/", "/var/tmp/y", 0), QR_WAIT_LOCAL_FS | QR_WAIT_TMPFILES);
	CHECK_U64(needs("/usr/bin/x", "/", NULL, 7), QR_WAIT_LOCAL_FS | QR_WAIT_TMPFILES);
	CHECK_U64(needs("/tmpx/y", "/", NULL, 0), 0);
}

TEST(boot_wait_unknown_waits_for_all)
{
	struct qri_image img = { 0 };

	CHECK_U64(qr_boot_wait_needs(&img, NULL), QR_WAIT_LOCAL_FS | QR_WAIT_TMPFILES);
	CHECK_U64(qr_boot_wait_needs(&img, mounts), 0);
}
