/* The image reader's mount namespace records (image/format.h, QRI_MOUNT,
 * QRI_MOUNT_ENTRY, QRI_PROC_MNTNS): restore mounts, makes files and
 * device nodes from them as root, so every path is checked to stay
 * inside its mount, every parent to come first, every size bounded. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/read.h"

static struct qri_mount_img *mount_of(const struct qri_image *img, uint64_t ns,
				      uint32_t id)
{
	for (size_t i = 0; i < img->nmounts; i++)
		if (img->mounts[i].m.ns == ns && img->mounts[i].m.id == id)
			return &img->mounts[i];
	return NULL;
}

/* len bytes of text without NUL, as a string (len may be 0 if empty_ok). */
static int take_text(struct qri_cursor *c, int type, const char *what,
		     const uint8_t **tail, size_t *left, uint32_t len,
		     bool empty_ok, char **out)
{
	if ((!len && !empty_ok) || len > QRI_MAX_PATH || len > *left ||
	    memchr(*tail, '\0', len))
		return BAD(c, type, "%s of %" PRIu32 " bytes is empty, too long or holds a NUL",
			   what, len);
	*out = malloc(len + 1);
	if (!*out)
		return qr_err_set(c->e, "out of memory");
	memcpy(*out, *tail, len);
	(*out)[len] = '\0';
	*tail += len;
	*left -= len;
	return 0;
}

static int check_mount(struct qri_cursor *c, const struct qri_mount_img *mi)
{
	const struct qri_mount *m = &mi->m;
	const struct qri_image *img = c->img;
	bool first = !img->nmounts || img->mounts[img->nmounts - 1].m.ns != m->ns;

	if (!m->ns || !m->how || m->how > QRI_MNT_HOW_MAX ||
	    m->flags & ~QRI_MNT_FLAGS_KNOWN ||
	    m->propagation & ~QRI_MNT_PROP_KNOWN || m->pad || m->pad2)
		return BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 ": kind %" PRIu32 ", flags 0x%" PRIx32 " or propagation 0x%" PRIx32 " unknown",
			   m->ns, m->id, m->how, m->flags, m->propagation);
	if (mount_of(img, m->ns, m->id))
		return BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 " is listed twice",
			   m->ns, m->id);
	if (first) {
		for (size_t i = 0; i < img->nmounts; i++)
			if (img->mounts[i].m.ns == m->ns)
				return BAD(c, QRI_MOUNT, "namespace %" PRIu64 ": its mounts are not together",
					   m->ns);
		if (strcmp(mi->point, "/") || mount_of(img, m->ns, m->parent))
			return BAD(c, QRI_MOUNT, "namespace %" PRIu64 ": its first mount is not its root", m->ns);
	} else if (!mount_of(img, m->ns, m->parent) || m->parent == m->id) {
		return BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 ": its parent %" PRIu32 " does not come before it",
			   m->ns, m->id, m->parent);
	}
	if (strchr(mi->fstype, '/') || strchr(mi->fstype, ',') ||
	    (m->how == QRI_MNT_PROC && strcmp(mi->fstype, "proc")) ||
	    (m->how == QRI_MNT_TMPFS && (strcmp(mi->fstype, "tmpfs") || strcmp(mi->root, "/"))) ||
	    ((m->how == QRI_MNT_BIND || m->how == QRI_MNT_DIR) != !!mi->host))
		return BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 ": kind %" PRIu32 " does not fit filesystem %s or its source in init's",
			   m->ns, m->id, m->how, mi->fstype);
	return 0;
}

int qri_read_mount(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left)
{
	struct qri_mount_img mi = { 0 }, *slot;

	memcpy(&mi.m, fixed, sizeof(mi.m));
	if (c->img->nprocs)
		return BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 " comes after a process",
			   mi.m.ns, mi.m.id);
	if (qri_take_path(c, QRI_MOUNT, "root", &tail, &left, mi.m.root_len, &mi.root) ||
	    qri_take_path(c, QRI_MOUNT, "mount point", &tail, &left, mi.m.point_len, &mi.point) ||
	    take_text(c, QRI_MOUNT, "filesystem type", &tail, &left, mi.m.fstype_len, false, &mi.fstype) ||
	    take_text(c, QRI_MOUNT, "source", &tail, &left, mi.m.source_len, false, &mi.source) ||
	    take_text(c, QRI_MOUNT, "super block options", &tail, &left, mi.m.super_len, false, &mi.super) ||
	    (mi.m.host_len &&
	     qri_take_path(c, QRI_MOUNT, "path in init's namespace", &tail, &left,
			   mi.m.host_len, &mi.host)))
		goto bad;
	if (left) {
		BAD(c, QRI_MOUNT, "namespace %" PRIu64 " mount %" PRIu32 ": %zu bytes after its names",
		    mi.m.ns, mi.m.id, left);
		goto bad;
	}
	if (check_mount(c, &mi))
		goto bad;
	slot = qri_grow((void **)&c->img->mounts, &c->img->nmounts, sizeof(*slot));
	if (!slot) {
		qr_err_set(c->e, "out of memory");
		goto bad;
	}
	*slot = mi;
	return 0;
bad:
	free(mi.root);
	free(mi.point);
	free(mi.fstype);
	free(mi.source);
	free(mi.super);
	free(mi.host);
	return -1;
}

/* A relative path of parts that are neither empty, "." nor "..". */
static bool clean_relative(const char *p)
{
	if (!*p)
		return true;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/* The entry that is path's directory, NULL if none. */
static const struct qri_mount_entry_img *dir_of(const struct qri_mount_entry_img *list,
						size_t n, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	for (size_t i = 0; i < n; i++)
		if (strlen(list[i].path) == len && !strncmp(list[i].path, path, len))
			return S_ISDIR(list[i].e.mode) ? &list[i] : NULL;
	return NULL;
}

int qri_check_tree_entry(struct qri_cursor *c, int type,
			 const struct qri_mount_entry_img *list, size_t n,
			 const struct qri_mount_entry_img *en)
{
	const struct qri_mount_entry *e = &en->e;
	uint32_t ftype = e->mode & S_IFMT;
	bool ok_type = ftype == S_IFDIR || ftype == S_IFREG || ftype == S_IFLNK ||
		ftype == S_IFCHR || ftype == S_IFBLK || ftype == S_IFIFO;

	if (!ok_type || e->mode & ~(uint32_t)(S_IFMT | 07777) || e->pad ||
	    e->uid == UINT32_MAX || e->gid == UINT32_MAX ||
	    (e->rdev && ftype != S_IFCHR && ftype != S_IFBLK) ||
	    (ftype == S_IFLNK ? !e->size || e->size >= QRI_MAX_PATH ||
	     memchr(en->data, '\0', e->size) :
	     ftype != S_IFREG && e->size))
		return BAD(c, type, "mount %" PRIu32 ": file \"%s\": mode 0%" PRIo32 ", owner or size %" PRIu64 " is not one restore makes",
			   e->mount, en->path, e->mode, e->size);
	if (!n != !*en->path || (!*en->path && ftype != S_IFDIR && ftype != S_IFREG))
		return BAD(c, type, "mount %" PRIu32 ": file \"%s\": the mount's root (and only it) comes first, a directory or a file",
			   e->mount, en->path);
	if (!clean_relative(en->path) || (*en->path && !dir_of(list, n, en->path)))
		return BAD(c, type, "mount %" PRIu32 ": file \"%s\" has a bad path or no directory before it",
			   e->mount, en->path);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].path, en->path))
			return BAD(c, type, "mount %" PRIu32 ": file \"%s\" is listed twice",
				   e->mount, en->path);
	return 0;
}

int qri_read_mount_entry(struct qri_cursor *c, const void *fixed,
			 const uint8_t *tail, size_t left)
{
	struct qri_mount_entry_img en = { 0 }, *slot;
	struct qri_mount_img *mi;

	memcpy(&en.e, fixed, sizeof(en.e));
	mi = c->img->nmounts ? &c->img->mounts[c->img->nmounts - 1] : NULL;
	if (c->img->nprocs || !mi || mi->m.ns != en.e.ns || mi->m.id != en.e.mount ||
	    (mi->m.how != QRI_MNT_TMPFS && mi->m.how != QRI_MNT_DIR))
		return BAD(c, QRI_MOUNT_ENTRY, "mount %" PRIu32 ": does not follow its mount, one restore fills",
			   en.e.mount);
	if (mi->nentries >= QRI_MNT_ENTRIES_MAX || en.e.size > QRI_MNT_DATA_MAX ||
	    mi->bytes + en.e.size > QRI_MNT_DATA_MAX ||
	    (uint64_t)en.e.path_len + en.e.size != left || en.e.path_len > QRI_MAX_PATH)
		return BAD(c, QRI_MOUNT_ENTRY, "mount %" PRIu32 ": file %zu of %" PRIu64 " bytes does not fit the record or the bounds",
			   en.e.mount, mi->nentries, en.e.size);
	if (take_text(c, QRI_MOUNT_ENTRY, "path", &tail, &left, en.e.path_len, true, &en.path))
		return -1;
	if (qri_take_blob(c, QRI_MOUNT_ENTRY, "contents", &tail, &left, en.e.size, &en.data) ||
	    qri_check_tree_entry(c, QRI_MOUNT_ENTRY, mi->entries, mi->nentries, &en)) {
		free(en.path);
		free(en.data);
		return -1;
	}
	slot = qri_grow((void **)&mi->entries, &mi->nentries, sizeof(*slot));
	if (!slot) {
		free(en.path);
		free(en.data);
		return qr_err_set(c->e, "out of memory");
	}
	*slot = en;
	mi->bytes += en.e.size;
	return 0;
}

int qri_read_proc_mntns(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left)
{
	struct qri_proc_mntns k;
	struct qri_proc_img *pr;
	bool known = false;

	(void)tail;
	memcpy(&k, fixed, sizeof(k));
	if (qri_owner(c, QRI_PROC_MNTNS, k.pid, &pr))
		return -1;
	for (size_t i = 0; i < c->img->nmounts; i++)
		known |= c->img->mounts[i].m.ns == k.ns;
	if (left || k.pad || !k.ns || !known || pr->mntns)
		return BAD(c, QRI_PROC_MNTNS, "pid %" PRIu32 ": namespace %" PRIu64 " has no mounts, or the process a second one",
			   k.pid, k.ns);
	pr->mntns = k.ns;
	return 0;
}

void qri_free_mounts(struct qri_image *img)
{
	for (size_t i = 0; i < img->nmounts; i++) {
		struct qri_mount_img *mi = &img->mounts[i];

		for (size_t j = 0; j < mi->nentries; j++) {
			free(mi->entries[j].path);
			free(mi->entries[j].data);
		}
		free(mi->entries);
		free(mi->root);
		free(mi->point);
		free(mi->fstype);
		free(mi->source);
		free(mi->super);
		free(mi->host);
	}
	free(img->mounts);
}
