/* inotify fds: the watches, by path, with their masks and watch
 * descriptors. A watch's file is named in fdinfo by a file handle and its
 * filesystem's device; capture turns that into a path (open_by_handle_at
 * on a mount of the device, readlink of the result). Restore adds them
 * again in wd order so that each gets its own wd back: the kernel gives
 * a group's watches increasing numbers and never reuses one until they
 * wrap, so a missing number is skipped by a dummy watch (on a memfd,
 * which no real watch names) added and removed. The group's counter
 * itself (where its next watch is numbered from, which pfncheck reads)
 * is carried the same way: a watch added after restore gets the number
 * it would have got. Events queued at the checkpoint are not carried:
 * refused by name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/dupfd.h"
#include "fds/fdstate.h"
#include "fds/inotify_line.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#define FDINFO_MAX (1 << 26)
#define MASK_KNOWN (IN_ALL_EVENTS | IN_EXCL_UNLINK | IN_ONESHOT)

static bool inotify_match(const char *link, const struct stat *st)
{
	(void)st;
	return !strcmp(link, "anon_inode:inotify");
}

/* How many bytes of events wait in pid's fd (FIONREAD on a duplicate),
 * -1 having printed why it cannot be known. */
static int queued(pid_t pid, int fd)
{
	int dup = qr_fd_dup(pid, fd), n = -1;

	if (dup < 0 || ioctl(dup, FIONREAD, &n))
		qr_error("process %d: fd %d: inotify: cannot see its queue: %s",
			 pid, fd, strerror(errno));
	if (dup >= 0)
		close(dup);
	return n;
}

/* The path of watch w's file: -1 having printed why none. */
static int watch_path(pid_t pid, int fd, const struct qr_inotify_line *w,
		      const char *mountinfo, char *path, size_t size)
{
	struct file_handle *h = calloc(1, sizeof(*h) + w->handle_bytes);
	char point[QRI_MAX_PATH + 1], self[64];
	int mfd = -1, wfd = -1, rc = -1;
	const char *why = NULL;
	struct stat st;
	ssize_t n = -1;

	if (!h || !w->handle_bytes) {
		why = "no file handle";
		goto out;
	}
	h->handle_bytes = w->handle_bytes;
	h->handle_type = w->handle_type;
	memcpy(h->f_handle, w->handle, w->handle_bytes);
	if (qr_mountinfo_point(mountinfo, w->sdev >> 20, w->sdev & 0xfffff,
			       point, sizeof(point))) {
		why = "its filesystem is mounted nowhere here";
		goto out;
	}
	/* not O_PATH: open_by_handle_at does not take one */
	mfd = open(point, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd >= 0)
		wfd = open_by_handle_at(mfd, h, O_PATH | O_CLOEXEC);
	if (wfd >= 0) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", wfd);
		n = readlink(self, path, size - 1);
	}
	if (n < 0 || fstat(wfd, &st)) {
		why = strerror(errno);
		goto out;
	}
	path[n] = '\0';
	if (path[0] != '/' || qr_path_deleted(path) || st.st_ino != w->ino)
		why = "its file has no path (deleted?)";
	else
		rc = 0;
out:
	if (rc)
		qr_error("process %d: fd %d: inotify watch %u (inode %llu): %s: not carried",
			 pid, fd, w->wd, (unsigned long long)w->ino, why);
	if (wfd >= 0)
		close(wfd);
	if (mfd >= 0)
		close(mfd);
	free(h);
	return rc;
}

/* The wd the group numbers its next watch from, above every one of v
 * (n, sorted), within the gap restore may skip: 0 with *next, or -1
 * having printed why. */
static int next_wd(struct qr_fd_capture *c, const struct qr_inotify_line *v,
		   size_t n, uint64_t gap, uint32_t *next)
{
	uint32_t last = n ? v[n - 1].wd : 0;
	int dup = qr_fd_dup(c->pid, c->fd), rc = -1;
	uint64_t wd = 0;

	if (dup < 0 || qr_fdstate(dup, PFNCHECK_FD_INOTIFY_NEXT_WD, &wd))
		qr_error("process %d: fd %d: inotify: its next watch number cannot be read (pfncheck): %s: not carried",
			 c->pid, c->fd, strerror(errno));
	else if (wd <= last || wd > INT32_MAX)
		qr_error("process %d: fd %d: inotify: its next watch number %llu is not above its watches' (%u: the numbers wrapped): not carried",
			 c->pid, c->fd, (unsigned long long)wd, last);
	else if (gap + (wd - last - 1) > QR_INOTIFY_GAP_MAX)
		qr_error("process %d: fd %d: inotify: its next watch number %llu: restore would need more than %d dummy watches to reach it: not carried",
			 c->pid, c->fd, (unsigned long long)wd, QR_INOTIFY_GAP_MAX);
	else
		rc = 0;
	if (dup >= 0)
		close(dup);
	*next = wd;
	return rc;
}

static int by_wd(const void *a, const void *b)
{
	const struct qr_inotify_line *x = a, *y = b;

	return x->wd < y->wd ? -1 : x->wd > y->wd;
}

/* The watches of fdinfo text, sorted by wd, in *out (n of them). */
static int watches(struct qr_fd_capture *c, char *text,
		   struct qr_inotify_line **out, size_t *n)
{
	struct qr_inotify_line *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (char *s = text, *end; s; s = end ? end + 1 : NULL) {
		struct qr_err e;

		end = strchr(s, '\n');
		if (end)
			*end = '\0';
		if (strncmp(s, "inotify ", 8))
			continue;
		if (*n == cap) {
			struct qr_inotify_line *m;

			cap = cap ? 2 * cap : 8;
			m = realloc(v, cap * sizeof(*v));
			if (!m) {
				qr_error("process %d: fd %d: out of memory", c->pid, c->fd);
				free(v);
				return -1;
			}
			v = m;
		}
		if (qr_inotify_line_parse(s, &v[*n], &e)) {
			qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
			free(v);
			return -1;
		}
		(*n)++;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), by_wd);
	*out = v;
	return 0;
}

static int inotify_capture(struct qr_fd_capture *c)
{
	struct qr_inotify_line *v = NULL;
	char *info, *mi = NULL, path[QRI_MAX_PATH + 1], name[64];
	struct qri_inotify_watch last = { 0 };
	uint64_t gap = 0;
	size_t n = 0;
	int q, rc = -1;

	q = queued(c->pid, c->fd);
	if (q < 0)
		return -1;
	if (q > 0) {
		qr_error("process %d: fd %d: inotify: %d bytes of events queued: not carried",
			 c->pid, c->fd, q);
		return -1;
	}
	/* a line per watch: more than qr_read_proc's 64 KiB may come */
	snprintf(name, sizeof(name), "/proc/%d/fdinfo/%d", c->pid, c->fd);
	info = qr_read_file(name, FDINFO_MAX);
	mi = qr_read_file("/proc/self/mountinfo", 1 << 22);
	if (!info || !mi) {
		qr_error("process %d: fd %d: inotify: %s", c->pid, c->fd, strerror(errno));
		goto out;
	}
	if (watches(c, info, &v, &n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct qri_inotify_watch w = {
			.wd = v[i].wd, .mask = v[i].mask, .ino = v[i].ino,
		};
		static const char zeros[8];

		gap += v[i].wd - (i ? v[i - 1].wd : 0) - 1;
		if (gap > QR_INOTIFY_GAP_MAX) {
			qr_error("process %d: fd %d: inotify watch %u: restore would need more than %d dummy watches to number it: not carried",
				 c->pid, c->fd, v[i].wd, QR_INOTIFY_GAP_MAX);
			goto out;
		}
		if (v[i].mask & ~MASK_KNOWN) {
			qr_error("process %d: fd %d: inotify watch %u: mask %#x has flags not carried",
				 c->pid, c->fd, v[i].wd, v[i].mask);
			goto out;
		}
		if (watch_path(c->pid, c->fd, &v[i], mi, path, sizeof(path)))
			goto out;
		w.path_len = strlen(path);
		qr_strbuf_add(c->data, &w, sizeof(w));
		qr_strbuf_add(c->data, path, w.path_len);
		qr_strbuf_add(c->data, zeros, -w.path_len & 7);
	}
	if (next_wd(c, v, n, gap, &last.wd))
		goto out;
	qr_strbuf_add(c->data, &last, sizeof(last));
	rc = 0;
out:
	free(v);
	free(info);
	free(mi);
	return rc;
}

/* Every watch of f's data as capture writes it, in increasing wd order,
 * and the next wd if there, with no more than QR_INOTIFY_GAP_MAX numbers
 * to skip in all. */
static int inotify_valid(const struct qri_file_img *f, struct qr_err *e)
{
	char path[QRI_MAX_PATH + 1];
	struct qri_inotify_watch w;
	uint64_t skip = 0;
	uint32_t last = 0;
	size_t off = 0;
	int rc;

	while ((rc = qr_inotify_data_next(f->data, f->f.data_len, &off, last,
					  &w, path, e)) > 0) {
		skip += w.wd - last - 1;
		if (skip > QR_INOTIFY_GAP_MAX)
			return qr_err_set(e, "inotify watch %u: more than %d numbers to skip",
					  w.wd, QR_INOTIFY_GAP_MAX);
		last = w.wd;
	}
	return rc < 0 ? -1 : 0;
}

/* Makes the group's next wd be want: dummy watches on *dummy (a memfd,
 * made at the first need) added and removed; -1 (printed) if the kernel
 * numbers them otherwise. */
static int skip_to(int fd, int *dummy, uint32_t *next, uint32_t want)
{
	char path[64];

	if (*dummy < 0)
		*dummy = memfd_create("qr-inotify-gap", MFD_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", *dummy);
	for (; *next < want; (*next)++) {
		int wd = *dummy < 0 ? -1 : inotify_add_watch(fd, path, IN_ATTRIB);

		if (wd != (int)*next || inotify_rm_watch(fd, wd)) {
			qr_error("restore: inotify: a dummy watch to skip wd %u got %d: %s",
				 *next, wd, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int inotify_open(struct qr_files *t, const struct qri_file_img *f)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), dummy = -1, rc = 0;
	struct qri_inotify_watch w;
	char path[QRI_MAX_PATH + 1], buf[4096];
	uint32_t next = 1;
	size_t off = 0;
	struct stat st;
	int got;

	(void)t;
	if (fd < 0) {
		qr_error("restore: inotify file %u: %s", f->f.id, strerror(errno));
		return -1;
	}
	/* the reader checked the data (inotify_valid) */
	while ((got = qr_inotify_data_next(f->data, f->f.data_len, &off,
					   next - 1, &w, path, NULL)) > 0) {
		int wd;

		if (skip_to(fd, &dummy, &next, w.wd)) {
			rc = -1;
			break;
		}
		if (got == 2)	/* the group's next wd: nothing to add */
			break;
		wd = inotify_add_watch(fd, path, w.mask | IN_DONT_FOLLOW);
		if (wd != (int)w.wd || lstat(path, &st) || st.st_ino != w.ino) {
			qr_error("restore: inotify file %u: watch %u on %s: %s",
				 f->f.id, w.wd, path,
				 wd < 0 ? strerror(errno) :
				 wd != (int)w.wd ? "the kernel numbered it otherwise" :
				 "the path names another file now");
			rc = -1;
			break;
		}
		next = w.wd + 1;
	}
	if (dummy >= 0)
		close(dummy);
	/* The dummies' IN_IGNORED events: the process never saw them. */
	while (!rc && read(fd, buf, sizeof(buf)) > 0)
		;
	if (!rc && fcntl(fd, F_SETFL, f->f.open_flags & O_NONBLOCK)) {
		qr_error("restore: inotify file %u: flags: %s", f->f.id, strerror(errno));
		rc = -1;
	}
	if (rc) {
		close(fd);
		return -1;
	}
	return fd;
}

const struct qr_fd_kind qr_fd_inotify = {
	.kind = QRI_FD_INOTIFY, .name = "inotify",
	.match = inotify_match, .capture = inotify_capture,
	.valid = inotify_valid, .open = inotify_open,
};
