/* See filetree.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/filetree.h"

int qr_filetree_bounded(struct qr_filetree *t)
{
	if (t->files <= t->max_files && t->bytes <= t->max_bytes)
		return 0;
	t->too_big(t);
	t->refused++;
	return -1;
}

static int refuse(struct qr_filetree *t, const char *rel, const char *what)
{
	t->refuse(t, rel, what);
	t->refused++;
	return -1;
}

/* A regular file's contents or a link's target into *data (malloc'd). */
static int read_data(struct qr_filetree *t, const char *path, const char *rel,
		     const struct stat *st, char **data, uint64_t *size)
{
	*data = malloc((size_t)st->st_size + 1);
	if (!*data)
		return refuse(t, rel, "out of memory");
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(path, *data, (size_t)st->st_size + 1);

		if (n <= 0 || n > st->st_size)
			return refuse(t, rel, "its target changed while read");
		*size = (uint64_t)n;
	} else if (t->read) {
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, *data, (size_t)st->st_size + 1);

		if (fd >= 0)
			close(fd);
		if (n != st->st_size)
			return refuse(t, rel, "its size changed while read");
		*size = (uint64_t)n;
	}
	return 0;
}

static int walk_dir(struct qr_filetree *t, const char *base, const char *rel,
		    const char *path)
{
	char sub[4096];
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort), rc = 0;

	if (n < 0)
		return refuse(t, rel, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (!rc && strcmp(d, ".") && strcmp(d, "..")) {
			if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", d) >=
			    (int)sizeof(sub))
				rc = refuse(t, rel, "a path too long");
			else
				rc = qr_filetree_walk(t, base, sub);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int qr_filetree_walk(struct qr_filetree *t, const char *base, const char *rel)
{
	char path[8192];
	struct stat st;
	char *data = NULL;
	uint64_t size = 0;
	int rc;

	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	if (lstat(path, &st))
		return refuse(t, rel, strerror(errno));
	if (*rel) {
		rc = t->covered(t, rel, &st);
		if (rc) {
			t->files += rc > 0;
			return rc > 0 ? qr_filetree_bounded(t) : -1;
		}
	}
	if (S_ISSOCK(st.st_mode))
		return t->socket(t, rel, path);
	t->files++;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1)
		return refuse(t, rel, "a file with hard links");
	if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
		t->bytes += (uint64_t)st.st_size;
		if (qr_filetree_bounded(t))
			return -1;
		if (read_data(t, path, rel, &st, &data, &size)) {
			free(data);
			return -1;
		}
	}
	t->add(t, rel, &st, data, size);
	free(data);
	if (qr_filetree_bounded(t))
		return -1;
	return S_ISDIR(st.st_mode) ? walk_dir(t, base, rel, path) : 0;
}
