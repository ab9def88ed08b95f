/* See outside.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fds/outside.h"
#include "image/format.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "lib/strbuf.h"

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The walk's result, kept for the set it was made for: the kinds that
 * ask (pipes, FIFOs, ptys, eventfds on 6.1) share one walk of every
 * process's fds, which on a busy machine is long, and in a checkpoint
 * counts in the downtime. */
struct outside_fd {
	pid_t pid;
	int fd;
	size_t link;		/* offset in links */
};

static struct {
	const struct qr_fd_seen *v;	/* the set walked for */
	size_t n;
	struct outside_fd *fds;
	size_t nfds, cap;
	struct qr_strbuf links;
	bool oom;
} walked;

static void remember(pid_t pid, int fd, const char *link)
{
	if (walked.nfds == walked.cap) {
		size_t cap = walked.cap ? 2 * walked.cap : 1024;
		struct outside_fd *v = realloc(walked.fds, cap * sizeof(*v));

		if (!v) {
			walked.oom = true;
			return;
		}
		walked.fds = v;
		walked.cap = cap;
	}
	walked.fds[walked.nfds++] = (struct outside_fd){ pid, fd,
							 walked.links.len };
	qr_strbuf_add(&walked.links, link, strlen(link) + 1);
}

static void process_fds(pid_t pid)
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
		remember(pid, atoi(e->d_name), link);
	}
	closedir(fds);
}

static int walk(const struct qr_fd_set *s)
{
	pid_t *kept = malloc((s->n + 1) * sizeof(*kept)), self = getpid();
	struct dirent *d;
	DIR *proc;

	qr_outside_forget();
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
			process_fds(pid);
	}
	if (proc)
		closedir(proc);
	free(kept);
	if (walked.oom || qr_strbuf_failed(&walked.links)) {
		qr_error("listing the other processes' files: out of memory");
		qr_outside_forget();
		return -1;
	}
	walked.v = s->v;
	walked.n = s->n;
	return 0;
}

int qr_outside_fds(const struct qr_fd_set *s,
		   void (*fn)(void *ctx, pid_t pid, int fd, const char *path,
			      const char *link),
		   void *ctx)
{
	char path[64];

	if ((walked.v != s->v || walked.n != s->n || !walked.v) && walk(s))
		return -1;
	for (size_t i = 0; i < walked.nfds; i++) {
		const struct outside_fd *o = &walked.fds[i];

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", o->pid, o->fd);
		fn(ctx, o->pid, o->fd, path, walked.links.s + o->link);
	}
	return 0;
}

void qr_outside_forget(void)
{
	free(walked.fds);
	qr_strbuf_free(&walked.links);
	memset(&walked, 0, sizeof(walked));
}

void qr_outside_comm(pid_t pid, char *out, size_t size)
{
	char *comm = qr_read_proc(pid, "comm");

	snprintf(out, size, "%s", comm ? comm : "?");
	out[strcspn(out, "\n")] = '\0';
	free(comm);
}
