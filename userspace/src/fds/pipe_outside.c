/* See pipe_outside.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fds/outside.h"
#include "fds/pipe_outside.h"
#include "lib/exit.h"

struct scan {
	uint32_t kind;
	const struct qr_fd_seen **t;	/* s's fds of kind, by dev, ino */
	size_t nt;
	const struct qr_fd_seen **told;	/* pipes refused (their first fd in
					 * t), with the holder they were
					 * refused for */
	pid_t *told_by;
	size_t ntold;
	int refused;
};

static int by_inode(const void *a, const void *b)
{
	const struct qr_fd_seen *x = *(const struct qr_fd_seen *const *)a;
	const struct qr_fd_seen *y = *(const struct qr_fd_seen *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

/* That first's pipe was refused for holder by. */
static void remember(struct scan *sc, const struct qr_fd_seen *first, pid_t by)
{
	const struct qr_fd_seen **told;
	pid_t *told_by;

	told = realloc(sc->told, (sc->ntold + 1) * sizeof(*told));
	if (told)
		sc->told = told;
	told_by = realloc(sc->told_by, (sc->ntold + 1) * sizeof(*told_by));
	if (told_by)
		sc->told_by = told_by;
	if (told && told_by) {
		sc->told[sc->ntold] = first;
		sc->told_by[sc->ntold++] = by;
	}
}

/* The first of s's fds of kind on this inode (any dev for pipes:
 * pipefs is one), or sc->nt if none. */
static size_t target(const struct scan *sc, dev_t dev, ino_t ino)
{
	size_t lo = 0, hi = sc->nt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct qr_fd_seen *m = sc->t[mid];
		dev_t d = sc->kind == QRI_FD_PIPE ? m->dev : dev;

		if (m->dev < d || (m->dev == d && m->ino < ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sc->nt && sc->t[lo]->ino == ino &&
	    (sc->kind == QRI_FD_PIPE || sc->t[lo]->dev == dev))
		return lo;
	return sc->nt;
}

/* Each kept fd on the inode of sc->t[i] refused, once per holder: the
 * count is of fds, as for a kind not carried. */
static void refuse(struct scan *sc, size_t i, pid_t by)
{
	const struct qr_fd_seen *first = sc->t[i];
	char comm[32];

	for (size_t k = 0; k < sc->ntold; k++)
		if (sc->told_by[k] == by && sc->told[k] == first)
			return;
	qr_outside_comm(by, comm, sizeof(comm));
	for (; i < sc->nt && sc->t[i]->dev == first->dev &&
	       sc->t[i]->ino == first->ino; i++) {
		const struct qr_fd_seen *v = sc->t[i];
		char p[64], link[QRI_MAX_PATH + 1];
		ssize_t n;

		snprintf(p, sizeof(p), "/proc/%d/fd/%d", v->pid, v->fd);
		n = readlink(p, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = '\0';
		qr_error("process %d: fd %d is %s%s: also open in process %d (%s), outside the kept set: not carried",
			 v->pid, v->fd, sc->kind == QRI_FD_FIFO ? "FIFO " : "",
			 link, by, comm);
		sc->refused++;
	}
	remember(sc, first, by);
}

/* One fd of an outside process. */
static void outside_fd(void *ctx, pid_t pid, int fd, const char *path,
		       const char *link)
{
	struct scan *sc = ctx;
	unsigned long long ino;
	size_t i = sc->nt;
	struct stat st;

	(void)fd;
	if (sc->kind == QRI_FD_PIPE) {
		if (sscanf(link, "pipe:[%llu]", &ino) == 1)
			i = target(sc, 0, ino);
	} else if (link[0] == '/' && !stat(path, &st) && S_ISFIFO(st.st_mode)) {
		i = target(sc, st.st_dev, st.st_ino);
	}
	if (i < sc->nt)
		refuse(sc, i, pid);
}

int qr_pipe_outside(const struct qr_fd_set *s, uint32_t kind)
{
	struct scan sc = { .kind = kind };

	sc.t = malloc((s->n + 1) * sizeof(*sc.t));
	if (!sc.t) {
		qr_error("checking pipes: out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == kind)
			sc.t[sc.nt++] = &s->v[i];
	if (sc.nt) {
		qsort(sc.t, sc.nt, sizeof(*sc.t), by_inode);
		if (qr_outside_fds(s, outside_fd, &sc))
			sc.refused++;
	}
	free(sc.t);
	free(sc.told);
	free(sc.told_by);
	return sc.refused;
}
