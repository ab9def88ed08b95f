/* See pid_floor.h: what /proc says. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/stat.h"
#include "checkpoint/tree.h"
#include "lib/exit.h"
#include "boot/pid_floor.h"
#include "lib/readfile.h"

/* The highest TID of pid's threads (pid itself if none listed). */
static long max_tid(pid_t pid)
{
	char path[64];
	struct dirent *de;
	long max = pid;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return max;
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]) && atol(de->d_name) > max)
			max = atol(de->d_name);
	closedir(d);
	return max;
}

/* pid's process group: restore makes a helper with its PID when its
 * leader has exited (image/proc_tree.h). 0 if unknown. */
static long pgid_of(pid_t pid)
{
	char *text = qr_read_proc(pid, "stat");
	struct qr_stat st;
	struct qr_err e;
	long pgid = text && !qr_stat_parse(text, &st, &e) ? st.pgid : 0;

	free(text);
	return pgid;
}

long qr_kept_id_max(const pid_t *roots, int nroots)
{
	struct qr_subtree st;
	long max = 0;

	if (qr_subtree_find(roots, nroots, &st) < 0)
		return -1;
	for (int i = 0; i < st.n; i++) {
		long t = max_tid(st.pids[i]), g = pgid_of(st.pids[i]);

		if (t > max)
			max = t;
		if (g > max)
			max = g;
	}
	for (int i = 0; i < st.nzombies; i++)
		if ((long)st.zombies[i].pid > max)
			max = st.zombies[i].pid;
	qr_subtree_free(&st);
	return max;
}

static long read_long(const char *path)
{
	char *text = qr_read_file(path, 64);
	long v;

	if (!text) {
		qr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	v = strtol(text, NULL, 10);
	free(text);
	if (v < 0)
		qr_error("%s: not a PID", path);
	return v < 0 ? -1 : v;
}

long qr_pid_max(void)
{
	return read_long("/proc/sys/kernel/pid_max");
}

long qr_last_pid(void)
{
	return read_long("/proc/sys/kernel/ns_last_pid");
}
