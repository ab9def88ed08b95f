/* The kept processes' mount namespaces: each one that is not init's is
 * read once from a member's /proc/PID/mountinfo and planned mount by mount
 * (mntns_plan.c); what cannot be rebuilt exactly is refused by name, and
 * the files of the tmpfs mounts restore makes anew are read through
 * /proc/PID/root, bounded; an fd naming a file only the namespace shows
 * is refused. Records QRI_MOUNT and QRI_MOUNT_ENTRY, before
 * the processes; each member's QRI_PROC_MNTNS comes with its attributes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "checkpoint/filetree.h"
#include "checkpoint/maps.h"
#include "checkpoint/mntns.h"
#include "checkpoint/mntns_plan.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#define MOUNTINFO_MAX (8u << 20)

int qr_mntns_of(pid_t pid, uint64_t *ns)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (stat(path, &a) || stat("/proc/1/ns/mnt", &b))
		return -1;
	*ns = a.st_ino == b.st_ino && a.st_dev == b.st_dev ? 0 : a.st_ino;
	return 0;
}

/* The files of a mount restore makes anew, as records or counted. */
struct walk {
	struct qr_filetree t;
	struct qri_writer *w;	/* NULL: only counted */
	uint64_t ns;
	uint32_t mount;
	pid_t pid;
	const char *point;
	const struct qr_mounts *ms;
};

static void add_entry(struct qr_filetree *t, const char *rel, const struct stat *st,
		      const void *data, uint64_t size)
{
	struct walk *k = t->arg;
	struct qri_mount_entry e = {
		.ns = k->ns, .mount = k->mount, .mode = st->st_mode,
		.uid = st->st_uid, .gid = st->st_gid, .size = size,
	};

	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		e.rdev = st->st_rdev;
	if (k->w)
		qri_add_mount_entry(k->w, &e, rel, data);
}

static void refuse(struct qr_filetree *t, const char *rel, const char *what)
{
	struct walk *k = t->arg;

	qr_error("process %d: mount namespace: mount point %s: %s%s%s: not carried",
		 k->pid, k->point, *rel ? rel : "its root", ": ", what);
}

static void too_big(struct qr_filetree *t)
{
	struct walk *k = t->arg;

	qr_error("process %d: mount namespace: mount point %s: more than %u files or %u bytes for restore to make anew: not carried",
		 k->pid, k->point, QRI_MNT_ENTRIES_MAX, QRI_MNT_DATA_MAX);
}

static int socket_file(struct qr_filetree *t, const char *rel, const char *path)
{
	(void)path;
	t->refuse(t, rel, "a socket file");
	t->refused++;
	return -1;
}

/* Another mount's point: only the directory or file under it. */
static int covered(struct qr_filetree *t, const char *rel, struct stat *st)
{
	struct walk *k = t->arg;
	bool mounted = st->st_dev != t->dev;
	char sub[4096];

	snprintf(sub, sizeof(sub), "%s%s%s", strcmp(k->point, "/") ? k->point : "",
		 "/", rel);
	for (size_t i = 0; i < k->ms->n && !mounted; i++)
		mounted = !strcmp(k->ms->m[i].point, sub);
	if (!mounted)
		return 0;
	st->st_mode = (st->st_mode & S_IFMT) == S_IFDIR ? S_IFDIR | 0755 :
		S_IFREG | 0644;
	add_entry(t, rel, st, NULL, 0);
	return 1;
}

static void add_mount(struct qri_writer *w, uint64_t ns, const struct qr_mount *m,
		      const struct qr_mnt_plan *p)
{
	struct qri_mount r = {
		.ns = ns, .id = m->id, .parent = m->parent, .how = p->how,
		.flags = m->flags & QRI_MNT_FLAGS_KNOWN,
		.propagation = p->propagation,
	};

	qri_add_mount(w, &r, m->root, m->point, m->fstype, m->source, m->super,
		      p->host);
}

/* One namespace, seen by pid: its mounts planned, walked, written. */
static int one_ns(struct qri_writer *w, pid_t pid, uint64_t ns,
		  const struct qr_mounts *ms, const struct qr_mounts *host)
{
	int refused = 0;

	for (size_t i = 0; i < ms->n; i++) {
		const struct qr_mount *m = &ms->m[i];
		char why[QR_MNT_WHY_MAX], base[8192];
		struct qr_mnt_plan p;
		struct walk k = {
			.t = { .read = w != NULL, .max_files = QRI_MNT_ENTRIES_MAX,
			       .max_bytes = QRI_MNT_DATA_MAX, .covered = covered,
			       .socket = socket_file, .add = add_entry,
			       .refuse = refuse, .too_big = too_big },
			.w = w, .ns = ns, .mount = m->id, .pid = pid,
			.point = m->point, .ms = ms,
		};
		struct stat st;

		if (qr_mntns_plan(ms, host, i, &p, why)) {
			qr_error("process %d: mount namespace %" PRIu64 ": %s", pid, ns, why);
			refused++;
			continue;
		}
		if (w)
			add_mount(w, ns, m, &p);
		if (p.how != QRI_MNT_TMPFS && p.how != QRI_MNT_DIR)
			continue;
		snprintf(base, sizeof(base), "/proc/%d/root%s", pid,
			 strcmp(m->point, "/") ? m->point : "");
		k.t.arg = &k;
		if (lstat(base, &st)) {
			refuse(&k.t, "", strerror(errno));
			refused++;
			continue;
		}
		k.t.dev = st.st_dev;
		qr_filetree_walk(&k.t, base, "");
		refused += k.t.refused;
	}
	return refused;
}

static int read_mounts(pid_t pid, struct qr_mounts *ms, char **text)
{
	char path[64];
	size_t len;
	struct qr_err e;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	*text = qr_read_file_len(path, MOUNTINFO_MAX, &len);
	if (!*text) {
		qr_error("process %d: %s: %s", pid, path, strerror(errno));
		return -1;
	}
	if (qr_mountinfo_parse(*text, len, ms, &e)) {
		qr_error("process %d: %s: %s", pid, path, e.msg);
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* A UNIX socket bound to a path: restore binds it again in init's
 * namespace, so the path must name there what it names in the
 * process's (the same directory: its socket file then is the same). */
static int check_socket_name(pid_t pid, const char *fd, ino_t ino)
{
	char file[64], *text, *line, *save, dir[4096], mine[8192];
	struct stat a, b;
	int refused = 0;

	snprintf(file, sizeof(file), "/proc/%d/net/unix", pid);
	text = qr_read_file(file, 16u << 20);
	if (!text)
		return 0;	/* the socket's own kind says what it cannot read */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long node;
		char *slash;
		int off = 0;

		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %n", &node, &off) < 1 ||
		    node != (unsigned long long)ino || !off || line[off] != '/')
			continue;
		snprintf(dir, sizeof(dir), "%s", line + off);
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		snprintf(mine, sizeof(mine), "/proc/%d/root%s", pid, dir);
		if (stat(mine, &a) || stat(dir, &b) || a.st_dev != b.st_dev ||
		    a.st_ino != b.st_ino) {
			qr_error("process %d: fd %s: UNIX socket bound to %s, in a directory of its mount namespace that init's namespace does not show there: not carried",
				 pid, fd, line + off);
			refused++;
		}
		break;
	}
	free(text);
	return refused;
}

/* Restore opens a process's files by path in init's namespace, before
 * the process enters its own: a path that names another file there (a
 * file of the private /tmp, of a tmpfs of the namespace) would give the
 * process a file it never had. Same file, or the same device node. */
static int check_fds(pid_t pid)
{
	char dir[64];
	struct dirent *d;
	int refused = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	if (!fds)
		return 0;	/* the process's own check says why */
	while ((d = readdir(fds))) {
		char link[600], path[4096];
		struct stat in, out;
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		n = readlink(link, path, sizeof(path) - 1);
		if (n <= 0 || stat(link, &in))
			continue;
		path[n] = '\0';
		if (!strncmp(path, "socket:[", 8)) {
			refused += check_socket_name(pid, d->d_name, in.st_ino);
			continue;
		}
		if (path[0] != '/' || qr_path_deleted(path) || !strncmp(path, "/memfd:", 7))
			continue;	/* not a path: its kind makes it */
		if (!stat(path, &out) &&
		    ((out.st_dev == in.st_dev && out.st_ino == in.st_ino) ||
		     ((S_ISCHR(in.st_mode) || S_ISBLK(in.st_mode)) &&
		      (in.st_mode & S_IFMT) == (out.st_mode & S_IFMT) &&
		      in.st_rdev == out.st_rdev)))
			continue;
		qr_error("process %d: fd %s (%s): a file of its mount namespace, which init's namespace does not show at that path: not carried",
			 pid, d->d_name, path);
		refused++;
	}
	closedir(fds);
	return refused;
}

int qr_mntns_capture(struct qri_writer *w, const pid_t *pids, int n)
{
	uint64_t *seen = calloc((size_t)n + 1, sizeof(*seen));
	char **texts = calloc((size_t)n + 1, sizeof(*texts));
	struct qr_mounts host = { 0 };
	char *host_text = NULL;
	int refused = 0, nseen = 0;

	if (!seen || !texts) {
		qr_error("mount namespaces: out of memory");
		refused = -1;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct qr_mounts ms;
		char *text;
		uint64_t ns;
		int j;

		if (qr_mntns_of(pids[i], &ns)) {
			qr_error("process %d: mount namespace: %s", pids[i], strerror(errno));
			refused++;
			continue;
		}
		if (!ns)
			continue;
		refused += check_fds(pids[i]);
		if (!host_text && read_mounts(1, &host, &host_text)) {
			refused = -1;
			goto out;
		}
		if (read_mounts(pids[i], &ms, &text)) {
			refused++;
			continue;
		}
		for (j = 0; j < nseen && seen[j] != ns; j++)
			;
		if (j < nseen) {
			/* The same namespace: one rebuild serves both if both
			 * see it from the same root. */
			if (strcmp(texts[j], text)) {
				qr_error("process %d: mount namespace %" PRIu64 ": seen from another root directory than by another kept process in it: not carried",
					 pids[i], ns);
				refused++;
			}
			free(text);
		} else {
			seen[nseen] = ns;
			texts[nseen++] = text;
			refused += one_ns(w, pids[i], ns, &ms, &host);
		}
		qr_mounts_free(&ms);
	}
out:
	for (int j = 0; texts && j < nseen; j++)
		free(texts[j]);
	free(texts);
	free(seen);
	free(host_text);
	qr_mounts_free(&host);
	return refused;
}
