/* See outside.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fds/outside.h"
#include "image/format.h"
#include "lib/exit.h"
#include "lib/readfile.h"

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static void process_fds(pid_t pid,
			void (*fn)(void *, pid_t, int, const char *,
				   const char *),
			void *ctx)
{
	char dir[64], path[64 + 256], link[QRI_MAX_PATH + 1];
	struct dirent *e;
	ssize_t n;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	if (!fds)
		return;		/* gone, or a kernel thread's */
	while ((e = readdir(fds))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		fn(ctx, pid, atoi(e->d_name), path, link);
	}
	closedir(fds);
}

int qr_outside_fds(const struct qr_fd_set *s,
		   void (*fn)(void *ctx, pid_t pid, int fd, const char *path,
			      const char *link),
		   void *ctx)
{
	pid_t *kept = malloc((s->n + 1) * sizeof(*kept)), self = getpid();
	struct dirent *d;
	DIR *proc;

	if (!kept) {
		qr_error("listing the other processes' files: out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->n; i++)
		kept[i] = s->v[i].pid;
	qsort(kept, s->n, sizeof(*kept), by_pid);
	proc = opendir("/proc");
	while (proc && (d = readdir(proc))) {
		pid_t pid = atoi(d->d_name);

		if (pid > 0 && pid != self &&
		    !bsearch(&pid, kept, s->n, sizeof(*kept), by_pid))
			process_fds(pid, fn, ctx);
	}
	if (proc)
		closedir(proc);
	free(kept);
	return 0;
}

void qr_outside_comm(pid_t pid, char *out, size_t size)
{
	char *comm = qr_read_proc(pid, "comm");

	snprintf(out, size, "%s", comm ? comm : "?");
	out[strcspn(out, "\n")] = '\0';
	free(comm);
}
