/* A kept mount namespace rebuilt (image/format.h, QRI_MOUNT): a helper
 * process unshares one from restore's (init's), makes every mount of it
 * slave there (nothing it does reaches init's), and mounts the image's
 * mounts in their order under a stage directory: binds of init's paths,
 * a new proc, new tmpfs and directories filled from QRI_MOUNT_ENTRY;
 * each with its per-mount flags and propagation. What it made is
 * read back from its mountinfo and compared with the image: a
 * difference fails the namespace, named. The mounts of init's it copied
 * are detached and the stage moved onto the namespace's root, where its
 * processes enter. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint/mountinfo.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "restore/filemake.h"
#include "restore/mntns.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define STAGE_DIR "/run/quickreboot/mntns"

static void stage_of(char *out, size_t n, size_t index)
{
	snprintf(out, n, STAGE_DIR "/%zu", index);
}

static int mkdirs(const char *path, mode_t mode)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, mode) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, mode) && errno != EEXIST ? -1 : 0;
}

static int fill(const char *base, const struct qri_mount_img *mi)
{
	for (size_t i = 0; i < mi->nentries; i++)
		if (qr_file_make(base, &mi->entries[i])) {
			qr_error("restore: mount namespace %" PRIu64 ": mount point %s: file \"%s\": %s",
				 mi->m.ns, mi->point, mi->entries[i].path, strerror(errno));
			return -1;
		}
	return 0;
}

static unsigned long ms_flags(uint32_t f)
{
	unsigned long ms = 0;

	ms |= f & QRI_MNT_RDONLY ? MS_RDONLY : 0;
	ms |= f & QRI_MNT_NOSUID ? MS_NOSUID : 0;
	ms |= f & QRI_MNT_NODEV ? MS_NODEV : 0;
	ms |= f & QRI_MNT_NOEXEC ? MS_NOEXEC : 0;
	ms |= f & QRI_MNT_NOATIME ? MS_NOATIME : 0;
	ms |= f & QRI_MNT_NODIRATIME ? MS_NODIRATIME : 0;
	ms |= f & QRI_MNT_RELATIME ? MS_RELATIME : 0;
	ms |= f & QRI_MNT_NOSYMFOLLOW ? MS_NOSYMFOLLOW : 0;
	if (!(f & (QRI_MNT_NOATIME | QRI_MNT_RELATIME)))
		ms |= MS_STRICTATIME;
	return ms;
}

/* The super block options for mount(2): without "rw"/"ro" (*ro says). */
static void super_data(const char *super, char *out, size_t n, bool *ro)
{
	char copy[4096], *sv;
	size_t k = 0;

	*ro = false;
	out[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", super);
	for (char *w = strtok_r(copy, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		if (!strcmp(w, "ro") || !strcmp(w, "rw")) {
			*ro |= !strcmp(w, "ro");
			continue;
		}
		k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? "," : "", w);
	}
}

static int mount_one(const char *stage, const struct qri_mount_img *mi, bool root)
{
	char target[8192], data[4096];
	bool ro;
	struct stat st;

	snprintf(target, sizeof(target), "%s%s", stage, root ? "" : mi->point);
	switch (mi->m.how) {
	case QRI_MNT_DIR:
		if (lstat(mi->host, &st)) {
			/* Emptied by the reboot: made again, with its files,
			 * in directories only root may enter. */
			char *up = strdup(mi->host), *slash = up ? strrchr(up, '/') : NULL;
			int rc = !up ? -1 : slash == up ? 0 : (*slash = '\0', mkdirs(up, 0700));

			free(up);
			if (rc)
				goto fail;
			if (fill(mi->host, mi))
				return -1;
		}
		/* fall through */
	case QRI_MNT_BIND:
		if (mount(mi->host, target, NULL, MS_BIND, NULL))
			goto fail;
		break;
	case QRI_MNT_PROC:
	case QRI_MNT_TMPFS:
		super_data(mi->super, data, sizeof(data), &ro);
		if (mount(mi->source, target, mi->fstype, ro ? MS_RDONLY : 0, data))
			goto fail;
		if (mi->m.how == QRI_MNT_TMPFS && fill(target, mi))
			return -1;
		break;
	}
	if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | ms_flags(mi->m.flags), NULL))
		goto fail;
	return 0;
fail:
	qr_error("restore: mount namespace %" PRIu64 ": mount point %s (%s %s): %s",
		 mi->m.ns, mi->point, mi->fstype, mi->host ? mi->host : mi->source,
		 strerror(errno));
	return -1;
}

static int propagate(const char *stage, const struct qri_mount_img *mi, bool root)
{
	char target[8192];
	uint32_t p = mi->m.propagation;

	snprintf(target, sizeof(target), "%s%s", stage, root ? "" : mi->point);
	if ((p & QRI_MNT_UNBINDABLE && mount(NULL, target, NULL, MS_UNBINDABLE, NULL)) ||
	    (!(p & QRI_MNT_UNBINDABLE) &&
	     mount(NULL, target, NULL, p & QRI_MNT_SLAVE ? MS_SLAVE : MS_PRIVATE, NULL)) ||
	    (p & QRI_MNT_SHARED && mount(NULL, target, NULL, MS_SHARED, NULL))) {
		qr_error("restore: mount namespace %" PRIu64 ": mount point %s: propagation: %s",
			 mi->m.ns, mi->point, strerror(errno));
		return -1;
	}
	return 0;
}

/* Below the stage: its path as the namespace sees it, else NULL. */
static const char *in_stage(const char *point, const char *stage)
{
	size_t n = strlen(stage);

	if (strncmp(point, stage, n) || (point[n] && point[n] != '/'))
		return NULL;
	return point[n] ? point + n : "/";
}

/* What the helper made, as its mountinfo shows it, against the image:
 * the same mounts in the same order, points, roots, types, per-mount
 * flags and propagation. */
static int compare(const char *stage, const struct qri_mount_img *ms, size_t n,
		   struct qr_mounts *got)
{
	size_t k = 0;
	char *text = qr_read_file_len("/proc/self/mountinfo", 8u << 20, NULL);
	struct qr_err e;

	if (!text || qr_mountinfo_parse(text, strlen(text), got, &e)) {
		qr_error("restore: mount namespace %" PRIu64 ": its mountinfo: %s",
			 ms[0].m.ns, text ? e.msg : strerror(errno));
		free(text);
		return -1;
	}
	free(text);
	for (size_t i = 0; i < got->n; i++) {
		const struct qr_mount *g = &got->m[i];
		const struct qri_mount_img *w = k < n ? &ms[k] : NULL;
		const char *point = in_stage(g->point, stage);
		uint32_t prop = (g->shared ? QRI_MNT_SHARED : 0) |
			(g->master ? QRI_MNT_SLAVE : 0) |
			(g->unbindable ? QRI_MNT_UNBINDABLE : 0);

		if (!point)
			continue;
		if (!w || strcmp(point, w->point) || strcmp(g->root, w->root) ||
		    strcmp(g->fstype, w->fstype) || g->flags != w->m.flags ||
		    prop != w->m.propagation) {
			char a[96], b[96];

			qr_error("restore: mount namespace %" PRIu64 ": made %s (root %s, %s, %s, propagation %" PRIu32 ") where the image has %s (root %s, %s, %s, propagation %" PRIu32 "): not restored",
				 ms[0].m.ns, point, g->root, g->fstype,
				 qr_mount_flags_str(g->flags, a, sizeof(a)), prop,
				 w ? w->point : "nothing", w ? w->root : "-",
				 w ? w->fstype : "-",
				 w ? qr_mount_flags_str(w->m.flags, b, sizeof(b)) : "-",
				 w ? w->m.propagation : 0);
			return -1;
		}
		k++;
	}
	if (k != n) {
		qr_error("restore: mount namespace %" PRIu64 ": %zu of its %zu mounts made: not restored",
			 ms[0].m.ns, k, n);
		return -1;
	}
	return 0;
}

/* init's mounts copied into the namespace, detached, out of reach of its
 * processes even with a way out of their root: first all but the
 * stage's ancestors, then (the stage moved away) those too. */
static void detach_rest(const char *stage, const struct qr_mounts *got,
			bool ancestors)
{
	for (size_t i = got->n; i-- > 0;) {
		const char *p = got->m[i].point;
		size_t n = strlen(p);
		bool above = !strncmp(stage, p, n) && stage[n] == '/';

		if (in_stage(p, stage) || !strcmp(p, "/") || above != ancestors)
			continue;
		umount2(p, MNT_DETACH);
	}
}

static int build(const char *stage, const struct qri_mount_img *ms, size_t n)
{
	struct qr_mounts got = { 0 };
	int rc = -1;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
	    mkdirs(stage, 0700)) {
		qr_error("restore: mount namespace %" PRIu64 ": %s: %s", ms[0].m.ns,
			 stage, strerror(errno));
		return -1;
	}
	/* Propagation at once: a later mount may hide this one's point;
	 * one mounted under a shared mount is shared until it is set. */
	for (size_t i = 0; i < n; i++)
		if (mount_one(stage, &ms[i], i == 0) || propagate(stage, &ms[i], i == 0))
			return -1;
	if (!compare(stage, ms, n, &got)) {
		detach_rest(stage, &got, false);
		/* The stage on the namespace's root: setns(2) takes its
		 * members to the top of what is mounted there, and they see
		 * their root as "/", as before. */
		if (mount(stage, "/", NULL, MS_MOVE, NULL)) {
			qr_error("restore: mount namespace %" PRIu64 ": %s on its root: %s",
				 ms[0].m.ns, stage, strerror(errno));
		} else {
			detach_rest(stage, &got, true);
			rc = 0;
		}
	}
	qr_mounts_free(&got);
	return rc;
}

/* The namespace of the mounts ms[0..n) in a helper, as an fd. */
static int make_one(const char *stage, const struct qri_mount_img *ms, size_t n,
		    unsigned int above)
{
	int done[2], hold[2], fd = -1;
	char path[64], byte;
	pid_t pid;

	if (pipe2(done, O_CLOEXEC))
		return -1;
	if (pipe2(hold, O_CLOEXEC)) {
		close(done[0]);
		close(done[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(done[0]);
		close(hold[1]);
		if (build(stage, ms, n))
			_exit(1);
		if (write(done[1], "", 1) != 1)
			_exit(1);
		/* Until restore holds the namespace. */
		if (read(hold[0], &byte, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(done[1]);
	close(hold[0]);
	if (pid > 0 && read(done[0], &byte, 1) == 1) {
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (unsigned int)fd < above) {
			int high = fcntl(fd, F_DUPFD_CLOEXEC, above);

			close(fd);
			fd = high;
		}
	}
	close(hold[1]);
	close(done[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

int qr_mntns_make(struct qr_mntns *m, const struct qri_image *img,
		  unsigned int above)
{
	memset(m, 0, sizeof(*m));
	m->above = above;
	for (size_t i = 0; i < img->nmounts;) {
		size_t j = i;
		char stage[64];
		uint64_t *ns;
		int *fd;

		while (j < img->nmounts && img->mounts[j].m.ns == img->mounts[i].m.ns)
			j++;
		ns = realloc(m->ns, (m->n + 1) * sizeof(*ns));
		if (ns)
			m->ns = ns;
		fd = realloc(m->fd, (m->n + 1) * sizeof(*fd));
		if (fd)
			m->fd = fd;
		if (!ns || !fd) {
			qr_error("restore: out of memory");
			qr_mntns_close(m);
			return -1;
		}
		stage_of(stage, sizeof(stage), m->n);
		m->ns[m->n] = img->mounts[i].m.ns;
		m->fd[m->n] = make_one(stage, &img->mounts[i], j - i, above);
		if (m->fd[m->n] < 0)
			qr_error("restore: mount namespace %" PRIu64 ": not rebuilt: its processes fail",
				 m->ns[m->n]);
		m->n++;
		i = j;
	}
	return 0;
}

void qr_mntns_close(struct qr_mntns *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
	free(m->fd);
	free(m->ns);
	memset(m, 0, sizeof(*m));
}

int qr_mntns_fd(const struct qr_mntns *m, const struct qri_proc_img *pr,
		int *fd_out)
{
	*fd_out = -1;
	if (!pr->mntns)
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ns[i] == pr->mntns) {
			*fd_out = m->fd[i];
			if (*fd_out >= 0)
				return 0;
			break;
		}
	qr_error("restore: pid %u: its mount namespace %" PRIu64 " was not rebuilt",
		 pr->p.pid, pr->mntns);
	return -1;
}

int qr_mntns_enter(const struct qri_proc_img *pr, int fd)
{
	if (setns(fd, CLONE_NEWNS)) {
		qr_error("restore: pid %u: entering its mount namespace: %s",
			 pr->p.pid, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}
