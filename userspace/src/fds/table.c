/* See fds/table.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fds/kind.h"
#include "fds/owner.h"
#include "fds/table.h"
#include "lib/exit.h"
#include "lib/readfile.h"

const struct qri_image *qr_files_image(const struct qr_files *t)
{
	return t->img;
}

const struct qri_file_img *qr_files_first_kin(const struct qr_files *t,
					      const struct qri_file_img *f)
{
	for (size_t i = 0; i < t->img->nfiles; i++)
		if (t->img->files[i].f.kind == f->f.kind &&
		    t->img->files[i].f.object == f->f.object)
			return &t->img->files[i];
	return f;
}

static long index_of(const struct qr_files *t, uint32_t id)
{
	size_t i = qri_file_index(t->img, id);

	if (i < t->img->nfiles)
		return (long)i;
	qr_error("restore: no file %u in the image", id);
	return -1;
}

/* fd moved to the table's numbers, above the image's. */
static int hold(struct qr_files *t, size_t i, int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, t->base);

	if (h < 0) {
		qr_error("restore: %s: cannot hold it: %s",
			 t->img->files[i].path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	t->fd[i] = h;
	if ((unsigned int)h >= t->top)
		t->top = h + 1;
	return h;
}

int qr_files_put(struct qr_files *t, uint32_t id, int fd)
{
	long i = index_of(t, id);

	if (i < 0 || t->fd[i] >= 0) {
		if (i >= 0)
			qr_error("restore: file %u is made twice", id);
		close(fd);
		return -1;
	}
	return hold(t, i, fd) < 0 ? -1 : 0;
}

int qr_files_made(const struct qr_files *t, uint32_t id)
{
	size_t i = qri_file_index(t->img, id);

	return i < t->img->nfiles ? t->fd[i] : -1;
}

int qr_files_get(struct qr_files *t, uint32_t id)
{
	long i = index_of(t, id);
	const struct qri_file_img *f;
	int fd;

	if (i < 0)
		return -1;
	if (t->fd[i] >= 0)
		return t->fd[i];
	if (t->failed[i])
		return -1;
	f = &t->img->files[i];
	if (t->making[i]) {
		qr_error("restore: file %u (%s) needs itself to be made", id,
			 f->path);
		return -1;
	}
	t->making[i] = true;
	fd = qr_fd_kind(f->f.kind)->open(t, f);
	t->making[i] = false;
	if (fd < 0) {
		t->failed[i] = true;
		return -1;
	}
	/* Its own open made it too (a socketpair's side asked for twice). */
	if (t->fd[i] >= 0) {
		close(fd);
		return t->fd[i];
	}
	return hold(t, i, fd);
}

/* Room for the image's fd numbers and the table above them. */
static int room(const struct qr_files *t)
{
	struct rlimit r;
	rlim_t need = (rlim_t)t->base + t->img->nfiles + 64;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return -1;
	if (r.rlim_cur >= need)
		return 0;
	if (r.rlim_max < need) {
		char *s = qr_read_file("/proc/sys/fs/nr_open", 64);

		r.rlim_max = s ? strtoul(s, NULL, 10) : r.rlim_max;
		free(s);
	}
	r.rlim_cur = r.rlim_max;
	if (r.rlim_cur < need || setrlimit(RLIMIT_NOFILE, &r)) {
		qr_error("restore: %zu files above fd %u: more than this process may open",
			 t->img->nfiles, t->base);
		return -1;
	}
	return 0;
}

int qr_files_make(struct qr_files *t, const struct qri_image *img)
{
	size_t n = img->nfiles;

	memset(t, 0, sizeof(*t));
	t->img = img;
	t->base = 3;
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nfds; j++)
			if (img->procs[i].fds[j].f.fd >= t->base)
				t->base = img->procs[i].fds[j].f.fd + 1;
	t->top = t->base;
	t->fd = malloc((n + 1) * sizeof(*t->fd));
	t->making = calloc(n + 1, sizeof(*t->making));
	t->failed = calloc(n + 1, sizeof(*t->failed));
	if (!t->fd || !t->making || !t->failed) {
		qr_error("restore: out of memory");
		qr_files_close(t);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		t->fd[i] = -1;
	if (room(t))
		goto fail;
	/* A file that fails fails its holders only (qr_files_take). */
	for (size_t i = 0; i < n; i++)
		qr_files_get(t, img->files[i].f.id);
	return 0;
fail:
	qr_files_close(t);
	return -1;
}

void qr_files_close(struct qr_files *t)
{
	for (size_t i = 0; t->fd && i < t->img->nfiles; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
	free(t->fd);
	free(t->making);
	free(t->failed);
	t->fd = NULL;
	t->making = NULL;
	t->failed = NULL;
}

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Every fd closed but the n sorted ones of k. */
static void close_others(const int *k, size_t n)
{
	unsigned int from = 0;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned int)k[i] > from)
			close_range(from, k[i] - 1, 0);
		from = k[i] + 1;
	}
	close_range(from, ~0u, 0);
}

int qr_files_take(const struct qr_files *t, const struct qri_proc_img *pr,
		  const int *keep, int nkeep)
{
	int *k = malloc((pr->nfds + nkeep + 1) * sizeof(*k));

	if (!k) {
		qr_error("restore: pid %u: out of memory", pr->p.pid);
		return -1;
	}
	for (size_t i = 0; i < pr->nfds; i++) {
		const struct qri_fd_img *d = &pr->fds[i];

		if (t->fd[d->file] < 0) {
			qr_error("restore: process %u: fd %u: its file %u (%s) was not made (said above): the process is not restored",
				 pr->p.pid, d->f.fd, t->img->files[d->file].f.id,
				 t->img->files[d->file].path);
			free(k);
			return -1;
		}
		/* Under t->base: no table fd is overwritten. */
		if (dup2(t->fd[d->file], d->f.fd) < 0 ||
		    fcntl(d->f.fd, F_SETFD, d->f.fd_flags & FD_CLOEXEC)) {
			qr_error("restore: pid %u: fd %u: %s", pr->p.pid,
				 d->f.fd, strerror(errno));
			free(k);
			return -1;
		}
		k[i] = d->f.fd;
	}
	memcpy(&k[pr->nfds], keep, nkeep * sizeof(*k));
	qsort(k, pr->nfds + nkeep, sizeof(*k), by_number);
	close_others(k, pr->nfds + nkeep);
	free(k);
	for (size_t i = 0; i < pr->nfds; i++) {
		const struct qri_fd_img *d = &pr->fds[i];
		const struct qri_file_img *f = &t->img->files[d->file];
		const struct qr_fd_kind *kind = qr_fd_kind(f->f.kind);

		if (kind->place && kind->place(pr, d, f))
			return -1;
	}
	/* After the kinds' (a lease taken makes its taker the owner). */
	for (size_t i = 0; i < pr->nfds; i++)
		if (qr_owner_place(pr, &pr->fds[i], &t->img->files[pr->fds[i].file]))
			return -1;
	return 0;
}
