/* Restored processes held frozen until their unit adopts them (adopt.h):
 * restore --boot moves a kept unit's processes, before they resume,
 * into a child cgroup of its own (QR_RESTORE_UNIT's), "adopt-UNIT", which
 * is frozen (cgroup v2 cgroup.freeze); `adopt` moves them into the unit's
 * cgroup, which thaws them, and removes the child. They do not run the
 * ~25 s until the unit starts: no child exits meanwhile, no output is
 * logged under the restore unit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exit.h"
#include "service/adopt.h"

#define HOLD_PREFIX "/adopt-"

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = -1;

	if (fd >= 0 && write(fd, v, strlen(v)) == (ssize_t)strlen(v))
		rc = 0;
	if (rc)
		qr_error("%s: writing %s: %s", path, v, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int qr_adopt_hold(const char *unit, const pid_t *pids, size_t n)
{
	char own[3072], hold[4096], path[4200];

	if (qr_cgroup_of(0, own, sizeof(own)))
		return -1;
	snprintf(hold, sizeof(hold), "%s" HOLD_PREFIX "%.256s", own, unit);
	snprintf(path, sizeof(path), QR_CGROUP_ROOT "%s", hold);
	if (mkdir(path, 0755) && errno != EEXIST) {
		qr_error("restore: %s: %s", path, strerror(errno));
		return -1;
	}
	strcat(path, "/cgroup.freeze");
	if (write_str(path, "1"))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (qr_cgroup_move(pids[i], hold))
			return -1;
	return 0;
}

bool qr_adopt_waiting(pid_t pid, const char *unit, char *hold, size_t size)
{
	char cg[4096], tail[4096];
	size_t l, n;

	hold[0] = '\0';
	if (qr_cgroup_of(pid, cg, sizeof(cg)))
		return false;
	n = strlen(cg);
	snprintf(tail, sizeof(tail), "/" QR_RESTORE_UNIT HOLD_PREFIX "%s", unit);
	l = strlen(tail);
	if (n >= l && !strcmp(cg + n - l, tail)) {
		snprintf(hold, size, "%s", cg);
		return true;
	}
	l = strlen("/" QR_RESTORE_UNIT);
	return n >= l && !strcmp(cg + n - l, "/" QR_RESTORE_UNIT);
}

void qr_adopt_release(const char *hold)
{
	char path[4200];

	snprintf(path, sizeof(path), QR_CGROUP_ROOT "%s", hold);
	if (hold[0] && rmdir(path) && errno != ENOENT)
		qr_error("adopt: %s: %s", path, strerror(errno));
}
