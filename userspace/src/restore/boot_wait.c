/* restore --boot: waiting for the mounts the kept processes need
 * (boot_wait.h). */
#define _GNU_SOURCE
#include "restore/boot_wait.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"
#include "lib/run.h"

static bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

/* Whether a mount unit of the text that is not active covers path. */
static bool pending(const char *mounts, const char *path)
{
	const char *p = mounts;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *unit = strndup(p, len), *line, *save = NULL;
		char *where = NULL;
		bool active = false, covers;

		if (!unit)
			return true;
		for (line = strtok_r(unit, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "Where=", 6))
				where = line + 6;
			else if (!strcmp(line, "ActiveState=active"))
				active = true;
		}
		covers = where && *where == '/' && under(path, where);
		free(unit);
		if (covers && !active)
			return true;
		p += len;
		while (*p == '\n')
			p++;
	}
	return false;
}

static unsigned int path_needs(const char *path, const char *mounts)
{
	unsigned int need = 0;

	if (!path || *path != '/')
		return 0;
	if (under(path, "/tmp") || under(path, "/var/tmp"))
		need |= QR_WAIT_TMPFILES;
	if (pending(mounts, path))
		need |= QR_WAIT_LOCAL_FS;
	return need;
}

unsigned int qr_boot_wait_needs(const struct qri_image *img, const char *mounts)
{
	unsigned int need = 0;

	if (!mounts)
		return QR_WAIT_LOCAL_FS | QR_WAIT_TMPFILES;
	if (img->nmounts)
		need |= QR_WAIT_TMPFILES;
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *pr = &img->procs[i];

		if (pr->mntns)
			need |= QR_WAIT_TMPFILES;
		need |= path_needs(pr->cwd, mounts) | path_needs(pr->root, mounts);
		for (size_t j = 0; j < pr->nvmas; j++)
			need |= path_needs(pr->vmas[j].path, mounts);
	}
	for (size_t i = 0; i < img->nfiles; i++)
		need |= path_needs(img->files[i].path, mounts);
	/* tmpfiles-setup.service comes after local-fs.target. */
	if (need & QR_WAIT_TMPFILES)
		need |= QR_WAIT_LOCAL_FS;
	return need;
}

void qr_boot_wait(const struct qri_image *img, void *arg)
{
	char *show[] = { "systemctl", "show", "-p", "Id", "-p", "Where", "-p", "ActiveState",
			 "--", "*.mount", NULL };
	char timeout[16], *start[] = { "timeout", timeout, "systemctl", "start", "--",
				       "local-fs.target", NULL, NULL };
	static char mounts[1 << 16];
	unsigned int need;

	(void)arg;
	need = qr_boot_wait_needs(img, qr_run_output(show, mounts, sizeof(mounts)) ||
				  strlen(mounts) + 1 >= sizeof(mounts) ? NULL : mounts);
	if (!need) {
		printf("every file of the kept processes is mounted: restoring now\n");
		return;
	}
	if (need & QR_WAIT_TMPFILES)
		start[6] = "systemd-tmpfiles-setup.service";
	printf("waiting for %s%s: a file of the kept processes is %s\n", start[5],
	       start[6] ? " and systemd-tmpfiles-setup.service" : "",
	       start[6] ? "in /tmp, or one has a mount namespace of its own" :
	       "on a file system not mounted yet");
	fflush(stdout);
	snprintf(timeout, sizeof(timeout), "%d", QR_WAIT_TIMEOUT_S);
	if (qr_run(start))
		qr_error("restore: %s not reached in %d s: restoring anyway (a process whose files are missing fails, its unit starts normally)",
			 start[6] ? start[6] : start[5], QR_WAIT_TIMEOUT_S);
}
