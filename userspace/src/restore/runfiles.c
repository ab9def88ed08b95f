/* See runfiles.h. Each mount point must be a tmpfs here already: a file
 * made under a point mounted later would be hidden by that mount. A
 * directory above what was carried is left as the New system made it; a
 * file it made is left as it is, named. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>

#include "lib/exit.h"
#include "restore/filemake.h"
#include "restore/runfiles.h"

static int make_mount(const struct qri_run_img *ri, bool again)
{
	struct statfs fs = { .f_type = TMPFS_MAGIC };
	int failed = 0;

	if (statfs(ri->point, &fs) ||
	    (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)) {
		int unreadable = fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;

		qr_error("restore: %s: not a tmpfs here (%s): its %zu carried file(s) not made",
			 ri->point, unreadable ? strerror(errno) : "another filesystem",
			 ri->nentries - 1);
		return (int)ri->nentries - 1;
	}
	for (size_t i = 0; i < ri->nentries; i++) {
		const struct qri_mount_entry_img *en = &ri->entries[i];

		errno = 0;
		if (!qr_file_make(ri->point, en) || (again && errno == EEXIST))
			continue;
		qr_error("restore: %s/%s: not made again%s: %s", ri->point, en->path,
			 errno == EEXIST ? " (the New system made it: left as it is)" : "",
			 strerror(errno));
		failed++;
	}
	return failed;
}

int qr_runfiles_make(const struct qri_image *img, bool again)
{
	int failed = 0;
	size_t made = 0;

	for (size_t i = 0; i < img->nruns; i++) {
		failed += make_mount(&img->runs[i], again);
		made += img->runs[i].nentries - 1;
	}
	if (img->nruns)
		printf("%zu file(s) under /run made again%s\n", made,
		       failed ? ", with failures" : "");
	return failed;
}
