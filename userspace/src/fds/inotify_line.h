/* One "inotify wd:" line of an inotify fd's /proc/PID/fdinfo, parsed.
 * Pure: no I/O. */
#ifndef QR_FDS_INOTIFY_LINE_H
#define QR_FDS_INOTIFY_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "image/format.h"
#include "lib/err.h"

#define QR_HANDLE_MAX 128	/* the kernel's MAX_HANDLE_SZ */

struct qr_inotify_line {
	uint32_t wd;		/* the watch descriptor, >= 1 */
	uint64_t ino;
	uint32_t sdev;		/* the kernel's dev_t: major << 20 | minor */
	uint32_t mask;		/* IN_* as inotify_add_watch() took them */
	uint32_t handle_bytes;	/* 0: the kernel printed no handle */
	int32_t handle_type;
	unsigned char handle[QR_HANDLE_MAX];
};

/* Parses "inotify wd:1 ino:2a sdev:800001 mask:100 ignored_mask:0
 * fhandle-bytes:8 fhandle-type:1 f_handle:2a000000..." (all hex; a '\n'
 * at its end allowed). -1 with a message naming the offending field. */
int qr_inotify_line_parse(const char *line, struct qr_inotify_line *w,
			  struct qr_err *e);

/* The most watch numbers restore skips with dummy watches, in all. */
#define QR_INOTIFY_GAP_MAX 65536

/* The next watch of an inotify file's image data (len bytes) at *off,
 * checked as capture writes it (wd above last, the previous one's; a
 * mask inotify_add_watch takes; an absolute path): 1 with *w, path (NUL
 * ended, QRI_MAX_PATH + 1 bytes) and *off past it; 2 with w->wd the
 * group's next wd (the last entry, no path) and *off at the end; 0 at
 * the end; -1 with a message (the image is untrusted). */
int qr_inotify_data_next(const uint8_t *data, size_t len, size_t *off,
			 uint32_t last, struct qri_inotify_watch *w, char *path,
			 struct qr_err *e);

/* The mount point of a mount of device major:minor in mountinfo text
 * (/proc/self/mountinfo), one of the whole filesystem (root "/") if there
 * is one, its escapes (\040...) undone, into out: 0, or -1 if none is
 * listed or it does not fit. */
int qr_mountinfo_point(const char *text, unsigned int major,
		       unsigned int minor, char *out, size_t size);

#endif
