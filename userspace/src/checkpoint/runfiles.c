/* See runfiles.h. Each tmpfs of init's mounted at /run or below it
 * collects its entries: a named file or tree read whole with the
 * mount namespaces' walker (filetree.c), and the directories above it
 * and above each file or socket a kept process holds there (the file's
 * own kind carries the file, unix restore binds the socket: their
 * directories must exist first, with their mode and owner). Sorted by
 * path, a directory comes before what is in it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checkpoint/filetree.h"
#include "checkpoint/maps.h"
#include "checkpoint/mountinfo.h"
#include "checkpoint/runfiles.h"
#include "lib/exit.h"
#include "lib/readfile.h"

int qr_run_list_add(struct qr_run_list *l, const char *who, const char *path)
{
	struct qr_run_named *grown = realloc(l->v, (l->n + 1) * sizeof(*l->v));

	if (!grown)
		return -1;
	l->v = grown;
	l->v[l->n].who = strdup(who);
	l->v[l->n].path = strdup(path);
	if (!l->v[l->n].who || !l->v[l->n].path) {
		free(l->v[l->n].who);
		free(l->v[l->n].path);
		return -1;
	}
	l->n++;
	return 0;
}

void qr_run_list_free(struct qr_run_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].who);
		free(l->v[i].path);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct ent {
	char *rel;		/* relative to the mount's point */
	uint32_t mode, uid, gid, flags;
	uint64_t rdev, size;
	char *data;
};

struct rmount {
	const struct qr_mount *m;
	dev_t dev;
	struct ent *e;
	size_t n;
};

struct state {
	struct qr_mounts ms;
	char *text;
	struct rmount *rm;
	size_t nrm;
	char **bound;		/* paths the kept processes' sockets are bound to */
	size_t nbound;
	int refused;
	bool oom;
};

/* The rest of path below dir ("" if equal), or NULL if not below it. */
static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strncmp(path, dir, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path[n] ? path + n + 1 : path + n;
}

/* The tmpfs at /run or below it that path is on (the deepest). */
static struct rmount *mount_of(struct state *s, const char *path)
{
	struct rmount *best = NULL;

	for (size_t i = 0; i < s->nrm; i++)
		if (below(path, s->rm[i].m->point) &&
		    (!best || strlen(s->rm[i].m->point) > strlen(best->m->point)))
			best = &s->rm[i];
	return best;
}

static void add(struct state *s, struct rmount *r, const char *rel,
		const struct stat *st, const void *data, uint64_t size,
		uint32_t flags)
{
	struct ent *grown = realloc(r->e, (r->n + 1) * sizeof(*r->e));
	struct ent *e;

	if (!grown) {
		s->oom = true;
		return;
	}
	r->e = grown;
	e = &r->e[r->n];
	*e = (struct ent){
		.rel = strdup(rel), .mode = st->st_mode, .uid = st->st_uid,
		.gid = st->st_gid, .flags = flags, .size = size,
		.rdev = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? st->st_rdev : 0,
		.data = size ? malloc(size) : NULL,
	};
	if (!e->rel || (size && !e->data)) {
		free(e->rel);
		free(e->data);
		s->oom = true;
		return;
	}
	if (size)
		memcpy(e->data, data, size);
	r->n++;
}

/* The directories of r from its root down to (not including) rel. */
static void add_above(struct state *s, struct rmount *r, const char *rel)
{
	char part[PATH_MAX], path[PATH_MAX + 8192];
	struct stat st;

	for (const char *p = rel;; p++) {
		size_t n = (size_t)(p - rel);

		if (*p && *p != '/')
			continue;
		if (!*p)
			break;
		snprintf(part, sizeof(part), "%.*s", (int)n, rel);
		snprintf(path, sizeof(path), "%s/%s", r->m->point, part);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			add(s, r, part, &st, NULL, 0, QRI_RUN_ABOVE);
	}
}

/* A named tree's walk: its entries go to its mount, under its path. */
struct walk {
	struct qr_filetree t;
	struct state *s;
	struct rmount *r;
	const struct qr_run_named *nm;
	const char *rel;	/* the named path below the mount's point */
};

static void walk_add(struct qr_filetree *t, const char *rel, const struct stat *st,
		     const void *data, uint64_t size)
{
	struct walk *k = t->arg;
	char path[PATH_MAX + 4096];

	snprintf(path, sizeof(path), "%s%s%s", k->rel, *rel ? "/" : "", rel);
	add(k->s, k->r, path, st, data, size, 0);
}

static void walk_refuse(struct qr_filetree *t, const char *rel, const char *what)
{
	struct walk *k = t->arg;

	if (*rel)
		qr_error("%s%s: file \"%s\": %s: not carried", k->nm->who,
			 k->nm->path, rel, what);
	else
		qr_error("%s%s: %s: not carried", k->nm->who, k->nm->path, what);
}

static void walk_too_big(struct qr_filetree *t)
{
	struct walk *k = t->arg;

	qr_error("%s%s: more than %u files or %u bytes for restore to make anew: not carried",
		 k->nm->who, k->nm->path, QRI_MNT_ENTRIES_MAX, QRI_MNT_DATA_MAX);
}

static int walk_covered(struct qr_filetree *t, const char *rel, struct stat *st)
{
	if (st->st_dev == t->dev)
		return 0;
	walk_refuse(t, rel, "another filesystem is mounted there");
	t->refused++;
	return -1;
}

static int walk_socket(struct qr_filetree *t, const char *rel, const char *path)
{
	struct walk *k = t->arg;

	for (size_t i = 0; i < k->s->nbound; i++)
		if (!strcmp(k->s->bound[i], path))
			return 0;	/* unix restore binds it again */
	walk_refuse(t, rel, "a UNIX socket file no kept process is bound to");
	t->refused++;
	return -1;
}

/* path with its directory's symbolic links resolved (/var/run/x.pid is
 * /run/x.pid), into out; -1 when its directory does not exist. */
static int resolve(const char *path, char *out, size_t size)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return snprintf(out, size, "%s", path) >= (int)size ? -1 : 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, real))
		return -1;
	return snprintf(out, size, "%s%s", strcmp(real, "/") ? real : "", slash) >=
	       (int)size ? -1 : 0;
}

static void named_one(struct state *s, const struct qr_run_named *nm)
{
	char path[PATH_MAX];
	struct stat st;
	struct walk k = {
		.t = { .max_files = QRI_MNT_ENTRIES_MAX, .max_bytes = QRI_MNT_DATA_MAX,
		       .covered = walk_covered, .socket = walk_socket,
		       .add = walk_add, .refuse = walk_refuse,
		       .too_big = walk_too_big, .read = true },
		.s = s, .nm = nm,
	};

	if (resolve(nm->path, path, sizeof(path)) || lstat(path, &st))
		return;		/* nothing there: nothing to carry */
	k.r = mount_of(s, path);
	if (!k.r || st.st_dev != k.r->dev)
		return;		/* not on a tmpfs the reboot empties */
	k.rel = below(path, k.r->m->point);
	if (!*k.rel) {
		qr_error("%s%s: the whole of a tmpfs mounted there: not carried",
			 nm->who, nm->path);
		s->refused++;
		return;
	}
	add_above(s, k.r, k.rel);
	k.t.arg = &k;
	k.t.dev = st.st_dev;
	qr_filetree_walk(&k.t, path, "");
	s->refused += k.t.refused;
}

/* The directories above path, when it is on a /run tmpfs; a directory
 * held open is made again too (its fd is opened by path). */
static void held_one(struct state *s, const char *path, const struct stat *st)
{
	struct rmount *r = mount_of(s, path);
	const char *rel = r ? below(path, r->m->point) : NULL;

	if (!r || r->dev != st->st_dev || !*rel)
		return;
	add_above(s, r, rel);
	if (S_ISDIR(st->st_mode))
		add(s, r, rel, st, NULL, 0, QRI_RUN_ABOVE);
}

/* The socket inodes of pid's fds, then the paths /proc/PID/net/unix
 * gives them, into s->bound. */
static void bound_of(struct state *s, pid_t pid)
{
	char file[64], *text, *line, *save;
	unsigned long long *inos = NULL;
	size_t nino = 0;
	struct dirent *d;
	DIR *fds;

	snprintf(file, sizeof(file), "/proc/%d/fd", pid);
	fds = opendir(file);
	while (fds && (d = readdir(fds))) {
		char link[320], to[64];
		unsigned long long ino;
		ssize_t len;

		snprintf(link, sizeof(link), "/proc/%d/fd/%s", pid, d->d_name);
		len = readlink(link, to, sizeof(to) - 1);
		if (len <= 0)
			continue;
		to[len] = '\0';
		if (sscanf(to, "socket:[%llu]", &ino) == 1) {
			unsigned long long *g = realloc(inos, (nino + 1) * sizeof(*inos));

			if (!g) {
				s->oom = true;
				break;
			}
			inos = g;
			inos[nino++] = ino;
		}
	}
	if (fds)
		closedir(fds);
	snprintf(file, sizeof(file), "/proc/%d/net/unix", pid);
	text = nino ? qr_read_file(file, 16u << 20) : NULL;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long node;
		int off = 0;

		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %n", &node, &off) < 1 ||
		    !off || line[off] != '/')
			continue;
		for (size_t i = 0; i < nino; i++) {
			char **g;

			if (inos[i] != node)
				continue;
			g = realloc(s->bound, (s->nbound + 1) * sizeof(*g));
			if (!g || !(g[s->nbound] = strdup(line + off))) {
				if (g)
					s->bound = g;
				s->oom = true;
				break;
			}
			s->bound = g;
			s->nbound++;
		}
	}
	free(text);
	free(inos);
}

/* The files pid holds open under /run, and its bound sockets' paths. */
static void held_by(struct state *s, pid_t pid)
{
	char dir[64];
	struct dirent *d;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	while (fds && (d = readdir(fds))) {
		char link[320], path[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		n = readlink(link, path, sizeof(path) - 1);
		if (n <= 0 || stat(link, &st))
			continue;
		path[n] = '\0';
		if (path[0] == '/' && !qr_path_deleted(path))
			held_one(s, path, &st);
	}
	if (fds)
		closedir(fds);
}

static int by_rel(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = strcmp(x->rel, y->rel);

	/* The same path: what was read whole before a directory above. */
	return c ? c : (int)(x->flags & QRI_RUN_ABOVE) - (int)(y->flags & QRI_RUN_ABOVE);
}

/* r's entries sorted, once each, bounded; written when w. */
static void finish(struct state *s, struct qri_writer *w, struct rmount *r,
		   uint32_t id)
{
	uint64_t bytes = 0;
	size_t kept = 0;

	qsort(r->e, r->n, sizeof(*r->e), by_rel);
	for (size_t i = 0; i < r->n; i++) {
		if (kept && !strcmp(r->e[kept - 1].rel, r->e[i].rel)) {
			free(r->e[i].rel);
			free(r->e[i].data);
			continue;
		}
		r->e[kept++] = r->e[i];
		bytes += r->e[i].size;
	}
	r->n = kept;
	if (r->n > QRI_RUN_ENTRIES_MAX || bytes > QRI_RUN_DATA_MAX) {
		qr_error("tmpfs %s: more than %u files or %u bytes of the kept units and processes for restore to make anew: not carried",
			 r->m->point, QRI_RUN_ENTRIES_MAX, QRI_RUN_DATA_MAX);
		s->refused++;
		return;
	}
	if (!w)
		return;
	qri_add_run_mount(w, id, r->m->point);
	for (size_t i = 0; i < r->n; i++) {
		struct qri_run_entry e = {
			.mount = id, .mode = r->e[i].mode, .uid = r->e[i].uid,
			.gid = r->e[i].gid, .rdev = r->e[i].rdev,
			.size = r->e[i].size, .flags = r->e[i].flags,
		};

		qri_add_run_entry(w, &e, r->e[i].rel, r->e[i].data);
	}
}

/* Every tmpfs at /run or below it, with its root's entry first. */
static int run_mounts(struct state *s)
{
	size_t len;
	struct qr_err e;

	s->text = qr_read_file_len("/proc/self/mountinfo", 8u << 20, &len);
	if (!s->text || qr_mountinfo_parse(s->text, len, &s->ms, &e)) {
		qr_error("files under /run: /proc/self/mountinfo: %s",
			 s->text ? e.msg : strerror(errno));
		return -1;
	}
	s->rm = calloc(s->ms.n + 1, sizeof(*s->rm));
	if (!s->rm)
		return -1;
	for (size_t i = 0; i < s->ms.n; i++) {
		const struct qr_mount *m = &s->ms.m[i];
		struct rmount *r = &s->rm[s->nrm];
		struct stat st;

		if ((strcmp(m->fstype, "tmpfs") && strcmp(m->fstype, "ramfs")) ||
		    !below(m->point, "/run") || lstat(m->point, &st) ||
		    st.st_dev != makedev(m->major, m->minor))
			continue;	/* hidden by a later mount: not that one */
		r->m = m;
		r->dev = st.st_dev;
		s->nrm++;
		add(s, r, "", &st, NULL, 0, QRI_RUN_ABOVE);
	}
	return 0;
}

int qr_runfiles_capture(struct qri_writer *w, const struct qr_run_list *named,
			const pid_t *pids, int n)
{
	struct state s = { 0 };
	uint32_t id = 0;
	int rc;

	if (run_mounts(&s)) {
		rc = -1;
		goto out;
	}
	for (int i = 0; i < n; i++)
		bound_of(&s, pids[i]);
	for (size_t i = 0; named && i < named->n; i++)
		named_one(&s, &named->v[i]);
	for (int i = 0; i < n; i++)
		held_by(&s, pids[i]);
	for (size_t i = 0; i < s.nbound; i++) {
		struct rmount *r = mount_of(&s, s.bound[i]);

		if (r)
			add_above(&s, r, below(s.bound[i], r->m->point));
	}
	/* Only the mounts with something of their own to carry. */
	for (size_t i = 0; !s.refused && i < s.nrm; i++)
		if (s.rm[i].n > 1)
			finish(&s, w, &s.rm[i], ++id);
	if (s.oom)
		qr_error("files under /run: out of memory");
	rc = s.oom ? -1 : s.refused;
out:
	for (size_t i = 0; i < s.nrm; i++) {
		for (size_t j = 0; j < s.rm[i].n; j++) {
			free(s.rm[i].e[j].rel);
			free(s.rm[i].e[j].data);
		}
		free(s.rm[i].e);
	}
	free(s.rm);
	for (size_t i = 0; i < s.nbound; i++)
		free(s.bound[i]);
	free(s.bound);
	qr_mounts_free(&s.ms);
	free(s.text);
	return rc;
}
