/* qr_shelter_ready(): load, format when fresh, mount (shelter/ready.h). */
#include "shelter/ready.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/exit.h"
#include "shelter/contract.h"
#include "shelter/shelter.h"

#define SHELTER_STATE "/sys/module/" QR_SHELTER_MODULE "/status/state"

static bool mounted(const char *dir)
{
	char line[8192], point[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	/* Field 5 is the mount point (no space in ours, so no escapes). */
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
			!strcmp(point, dir);
	if (f)
		fclose(f);
	return found;
}

static bool freshly_formatted(void)
{
	char state[32] = "";
	FILE *f = fopen(SHELTER_STATE, "re");

	if (f) {
		if (!fgets(state, sizeof(state), f))
			state[0] = '\0';
		fclose(f);
	}
	return !strcmp(state, "formatted\n");
}

int qr_shelter_ready(bool fresh_ok)
{
	struct qr_shelter_load_opts load = { .format = fresh_ok };
	struct qr_shelter_mount_opts mount = { .device = NULL };
	int rc;

	if (mounted(QR_SHELTER_MOUNTPOINT))
		return QR_EXIT_OK;
	if (access(QR_SHELTER_DEVICE, F_OK)) {
		rc = qr_shelter_load(&load);
		if (rc)
			return rc;
		if (access(QR_SHELTER_DEVICE, F_OK)) {
			qr_error("the shelter module is loaded but %s does not exist: see %s",
				 QR_SHELTER_DEVICE, SHELTER_STATE);
			return QR_EXIT_UNSAFE;
		}
	}
	if (fresh_ok && freshly_formatted()) {
		rc = qr_shelter_mkfs(QR_SHELTER_DEVICE);
		if (rc)
			return rc;
	}
	return qr_shelter_mount(&mount);
}
