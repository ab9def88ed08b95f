/* The shelter's filesystem (shelter.h). No journal: the shelter is
 * unmounted cleanly before every kexec, so a journal would only add
 * writes; fsck.ext4 verifies it before it is mounted in the New kernel. No
 * discard: the device is plain memory. */
#include "shelter/shelter.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/exit.h"
#include "lib/run.h"
#include "shelter/contract.h"

int qr_shelter_mkfs(const char *device)
{
	struct stat st;
	int rc;

	if (stat(device, &st)) {
		qr_error("shelter mkfs: %s: %s%s", device, strerror(errno),
			 errno == ENOENT ? " (run 'quickreboot shelter load' first)" : "");
		return QR_EXIT_FAIL;
	}
	/* A single -F keeps mkfs.ext4's refusal of a mounted device. */
	char *mkfs[] = {
		"mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-b", "4096",
		"-E", "nodiscard", "-L", QR_SHELTER_LABEL, (char *)device, NULL,
	};
	rc = qr_run(mkfs);
	if (rc) {
		qr_error("shelter mkfs: mkfs.ext4 %s failed (exit %d)", device, rc);
		return QR_EXIT_FAIL;
	}
	return QR_EXIT_OK;
}
