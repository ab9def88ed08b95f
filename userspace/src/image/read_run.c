/* The image reader's /run records (image/format.h, QRI_RUN_MOUNT,
 * QRI_RUN_ENTRY): restore makes these files as root before any process,
 * so each mount point must be a clean path at /run or below it, listed
 * once, and each file pass the checks of a mount's files
 * (qri_check_tree_entry), bounded per mount. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/read.h"

/* "/run" or below it, no empty, "." or ".." part, no trailing slash. */
static bool run_point(const char *p)
{
	if (strncmp(p, "/run", 4) || (p[4] && p[4] != '/'))
		return false;
	for (p += 4; *p;) {
		size_t n;

		p++;
		n = strcspn(p, "/");
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return false;
		p += n;
	}
	return true;
}

int qri_read_run_mount(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left)
{
	struct qri_run_img ri = { 0 }, *slot;
	struct qri_image *img = c->img;

	memcpy(&ri.m, fixed, sizeof(ri.m));
	if (img->nprocs || img->nruns >= QRI_RUN_MOUNTS_MAX)
		return BAD(c, QRI_RUN_MOUNT, "mount %" PRIu32 " comes after a process or past %d",
			   ri.m.id, QRI_RUN_MOUNTS_MAX);
	if (qri_take_path(c, QRI_RUN_MOUNT, "mount point", &tail, &left, ri.m.point_len,
			  &ri.point))
		return -1;
	if (left || !run_point(ri.point)) {
		BAD(c, QRI_RUN_MOUNT, "mount %" PRIu32 ": %s is not /run or a clean path below it, or bytes follow",
		    ri.m.id, ri.point);
		free(ri.point);
		return -1;
	}
	for (size_t i = 0; i < img->nruns; i++)
		if (img->runs[i].m.id == ri.m.id || !strcmp(img->runs[i].point, ri.point)) {
			BAD(c, QRI_RUN_MOUNT, "mount %" PRIu32 " (%s) is listed twice",
			    ri.m.id, ri.point);
			free(ri.point);
			return -1;
		}
	slot = qri_grow((void **)&img->runs, &img->nruns, sizeof(*slot));
	if (!slot) {
		free(ri.point);
		return qr_err_set(c->e, "out of memory");
	}
	*slot = ri;
	return 0;
}

int qri_read_run_entry(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left)
{
	struct qri_mount_entry_img en = { 0 }, *slot;
	struct qri_run_img *ri;
	struct qri_run_entry r;
	bool dir;

	memcpy(&r, fixed, sizeof(r));
	ri = c->img->nruns ? &c->img->runs[c->img->nruns - 1] : NULL;
	if (c->img->nprocs || !ri || ri->m.id != r.mount)
		return BAD(c, QRI_RUN_ENTRY, "mount %" PRIu32 ": does not follow its mount",
			   r.mount);
	if (ri->nentries >= QRI_RUN_ENTRIES_MAX || r.size > QRI_RUN_DATA_MAX ||
	    ri->bytes + r.size > QRI_RUN_DATA_MAX ||
	    (uint64_t)r.path_len + r.size != left || r.path_len > QRI_MAX_PATH)
		return BAD(c, QRI_RUN_ENTRY, "mount %" PRIu32 ": file %zu of %" PRIu64 " bytes does not fit the record or the bounds",
			   r.mount, ri->nentries, r.size);
	dir = (r.mode & S_IFMT) == S_IFDIR;
	if (r.flags & ~QRI_RUN_FLAGS_KNOWN || (r.flags & QRI_RUN_ABOVE && !dir) ||
	    (!ri->nentries && !(r.flags & QRI_RUN_ABOVE)))
		return BAD(c, QRI_RUN_ENTRY, "mount %" PRIu32 ": file %zu: flags 0x%" PRIx32 " unknown, or not a directory's, or the root without them",
			   r.mount, ri->nentries, r.flags);
	en.e = (struct qri_mount_entry){
		.mount = r.mount, .mode = r.mode, .uid = r.uid, .gid = r.gid,
		.rdev = r.rdev, .size = r.size, .path_len = r.path_len,
	};
	en.run_flags = r.flags;
	en.path = malloc(r.path_len + 1);
	if (!en.path)
		return qr_err_set(c->e, "out of memory");
	memcpy(en.path, tail, r.path_len);
	en.path[r.path_len] = '\0';
	tail += r.path_len;
	left -= r.path_len;
	if ((memchr(en.path, '\0', r.path_len) &&
	     BAD(c, QRI_RUN_ENTRY, "mount %" PRIu32 ": a path holds a NUL", r.mount)) ||
	    qri_take_blob(c, QRI_RUN_ENTRY, "contents", &tail, &left, r.size, &en.data) ||
	    qri_check_tree_entry(c, QRI_RUN_ENTRY, ri->entries, ri->nentries, &en)) {
		free(en.path);
		free(en.data);
		return -1;
	}
	slot = qri_grow((void **)&ri->entries, &ri->nentries, sizeof(*slot));
	if (!slot) {
		free(en.path);
		free(en.data);
		return qr_err_set(c->e, "out of memory");
	}
	*slot = en;
	ri->bytes += r.size;
	return 0;
}

void qri_free_runs(struct qri_image *img)
{
	for (size_t i = 0; i < img->nruns; i++) {
		struct qri_run_img *ri = &img->runs[i];

		for (size_t j = 0; j < ri->nentries; j++) {
			free(ri->entries[j].path);
			free(ri->entries[j].data);
		}
		free(ri->entries);
		free(ri->point);
	}
	free(img->runs);
}
