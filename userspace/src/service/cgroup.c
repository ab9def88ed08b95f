/* cgroup v2 helpers for adopting restored processes (adopt.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/adopt.h"
#include "lib/exit.h"

int qr_cgroup_of(pid_t pid, char *out, size_t size)
{
	char path[64], line[4096];
	int found = 0;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f) {
		qr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		/* cgroup v2: the one line "0::PATH". */
		if (!strncmp(line, "0::/", 4) && strlen(line + 3) < size &&
		    !strstr(line, "/..")) {
			strcpy(out, line + 3);
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		qr_error("%s: no cgroup v2 path (the unified hierarchy is needed)", path);
	return found ? 0 : -1;
}

int qr_cgroup_move(pid_t pid, const char *cg)
{
	char path[4096];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), QR_CGROUP_ROOT "%s/cgroup.procs", cg);
	f = fopen(path, "we");
	if (!f) {
		qr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%d\n", (int)pid);
	rc = fclose(f);
	if (rc)
		qr_error("moving %d into %s: %s", (int)pid, cg, strerror(errno));
	return rc ? -1 : 0;
}

static int add_pid(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
	for (size_t i = 0; i < *n; i++)
		if ((*pids)[i] == pid)
			return 0;
	if (*n == *cap) {
		pid_t *grown = realloc(*pids, (*cap ? *cap * 2 : 16) * sizeof(**pids));

		if (!grown)
			return -1;
		*pids = grown;
		*cap = *cap ? *cap * 2 : 16;
	}
	(*pids)[(*n)++] = pid;
	return 0;
}

/* The cgroup directory dir and its children, depth first. */
static int walk(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
	char path[4096];
	struct dirent *d;
	long pid;
	FILE *f;
	DIR *dd;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f) {
		qr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (!rc && fscanf(f, "%ld", &pid) == 1)
		rc = add_pid(pids, n, cap, pid);
	fclose(f);
	dd = opendir(dir);
	while (!rc && dd && (d = readdir(dd))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		rc = walk(path, pids, n, cap);
	}
	if (dd)
		closedir(dd);
	return rc;
}

int qr_cgroup_procs(const char *cg, pid_t first, pid_t **pids, size_t *n)
{
	char dir[4096];
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), QR_CGROUP_ROOT "%s", cg);
	if ((first && add_pid(pids, n, &cap, first)) || walk(dir, pids, n, &cap)) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
