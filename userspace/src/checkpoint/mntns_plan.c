/* How each mount of a kept mount namespace comes back (mntns_plan.h).
 * A mount of a filesystem that init's namespace mounts too is bound from
 * there; a proc is mounted anew; a tmpfs mounted only in the namespace is
 * made anew with its files (capture checks their size), as is the
 * directory of a bind from a tmpfs of init's (the reboot empties it).
 * Everything else is refused with the reason. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "checkpoint/mntns_plan.h"
#include "image/format.h"

_Static_assert(QR_MNT_RDONLY == QRI_MNT_RDONLY && QR_MNT_NOSUID == QRI_MNT_NOSUID &&
	       QR_MNT_NODEV == QRI_MNT_NODEV && QR_MNT_NOEXEC == QRI_MNT_NOEXEC &&
	       QR_MNT_NOATIME == QRI_MNT_NOATIME &&
	       QR_MNT_NODIRATIME == QRI_MNT_NODIRATIME &&
	       QR_MNT_RELATIME == QRI_MNT_RELATIME &&
	       QR_MNT_NOSYMFOLLOW == QRI_MNT_NOSYMFOLLOW, "mount flags");

/* The rest of path below dir ("" if equal), or NULL if not below it. */
static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path + 1;
	if (strncmp(path, dir, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path[n] ? path + n + 1 : path + n;
}

static bool is_tmpfs(const char *fstype)
{
	return !strcmp(fstype, "tmpfs") || !strcmp(fstype, "ramfs");
}

/* The mount of init's that shows the most of m's filesystem above m's
 * root (the longest root), the last listed of equals; prefer one whose
 * peer group is m's master. */
static const struct qr_mount *host_of(const struct qr_mount *m,
				      const struct qr_mounts *host)
{
	const struct qr_mount *best = NULL;

	for (size_t i = 0; i < host->n; i++) {
		const struct qr_mount *h = &host->m[i];

		if (h->major != m->major || h->minor != m->minor ||
		    strcmp(h->fstype, m->fstype) || !below(m->root, h->root))
			continue;
		if (best && m->master && best->shared == m->master &&
		    h->shared != m->master)
			continue;
		if (!best || (m->master && h->shared == m->master &&
			      best->shared != m->master) ||
		    strlen(h->root) >= strlen(best->root))
			best = h;
	}
	return best;
}

static int why_set(char *why, const struct qr_mount *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_set(char *why, const struct qr_mount *m, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(why, QR_MNT_WHY_MAX, "mount point %s (%s %s): ",
			 m->point, m->fstype, m->source);

	va_start(ap, fmt);
	if (k >= 0 && k < QR_MNT_WHY_MAX)
		vsnprintf(why + k, QR_MNT_WHY_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

static int propagation(const struct qr_mounts *ns, const struct qr_mounts *host,
		       size_t i, const struct qr_mount *src, uint32_t *prop,
		       char *why)
{
	const struct qr_mount *m = &ns->m[i];

	*prop = 0;
	if (m->unbindable)
		*prop |= QRI_MNT_UNBINDABLE;
	if (m->shared) {
		for (size_t j = 0; j < host->n; j++)
			if (host->m[j].shared == m->shared)
				return why_set(why, m, "in peer group %" PRIu32 " with init's mount point %s (mounts propagate both ways): not carried",
					       m->shared, host->m[j].point);
		for (size_t j = 0; j < i; j++)
			if (ns->m[j].shared == m->shared)
				return why_set(why, m, "in peer group %" PRIu32 " with mount point %s of the same namespace: not carried",
					       m->shared, ns->m[j].point);
		*prop |= QRI_MNT_SHARED;
	}
	if (m->master) {
		if (!src || src->shared != m->master)
			return why_set(why, m, "a slave of peer group %" PRIu32 ", which is not that of its filesystem's mount in init's namespace: not carried",
				       m->master);
		*prop |= QRI_MNT_SLAVE;
	}
	return 0;
}

int qr_mntns_plan(const struct qr_mounts *ns, const struct qr_mounts *host,
		  size_t i, struct qr_mnt_plan *p, char *why)
{
	const struct qr_mount *m = &ns->m[i], *h;
	const char *rest;
	size_t j;

	memset(p, 0, sizeof(*p));
	if (m->flags & QR_MNT_IDMAPPED)
		return why_set(why, m, "an idmapped mount: not carried");
	for (j = 0; i && j < i; j++)
		if (ns->m[j].id == m->parent)
			break;
	if (i && j == i)
		return why_set(why, m, "its parent mount %" PRIu32 " is not listed before it: not carried",
			       m->parent);
	h = host_of(m, host);
	if (propagation(ns, host, i, h, &p->propagation, why))
		return -1;
	if (h) {
		rest = below(m->root, h->root);
		if (snprintf(p->host, sizeof(p->host), "%s%s%s", h->point,
			     strcmp(h->point, "/") && *rest ? "/" : "", rest) >=
		    (int)sizeof(p->host))
			return why_set(why, m, "its path in init's namespace is too long: not carried");
		/* A directory of a tmpfs (not the whole of it, which the
		 * New system mounts again), or of /tmp, which Debian's boot
		 * empties (tmpfiles.d "D /tmp"), is gone after the reboot. */
		p->how = *rest && (is_tmpfs(h->fstype) || below(p->host, "/tmp")) ?
			QRI_MNT_DIR : QRI_MNT_BIND;
	} else if (!strcmp(m->fstype, "proc")) {
		p->how = QRI_MNT_PROC;
	} else if (!strcmp(m->fstype, "tmpfs") && !strcmp(m->root, "/")) {
		p->how = QRI_MNT_TMPFS;
	}
	if (p->how == QRI_MNT_DIR || p->how == QRI_MNT_TMPFS)
		for (j = i + 1; j < ns->n; j++)
			if (!strcmp(ns->m[j].point, m->point))
				return why_set(why, m, "another mount hides it (mounted on the same point): its files cannot be read: not carried");
	if (p->how)
		return 0;
	return why_set(why, m, "its filesystem (device %" PRIu32 ":%" PRIu32 ") is mounted nowhere in init's namespace: not carried",
		       m->major, m->minor);
}
