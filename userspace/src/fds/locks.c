/* File locks on kept files (locks.h): read from fdinfo and /proc/locks at
 * capture, taken again at restore before the process runs, in place, so
 * that a lock someone else holds now fails only the processes that hold
 * it. POSIX locks by their owner. OFD locks by every process holding the
 * file (the open file description owns them: taken twice, they are one).
 * A flock or a lease shows the process that took it: that process takes
 * it again when it is kept and holds the file; else open does, and a
 * failure there fails the processes holding the file when they come to
 * place. A lease being broken is refused: the kernel offers no way to
 * make one broken again. */
#define _GNU_SOURCE
#include "fds/locks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/lock_line.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#define LOCKS_MAX (1 << 26)	/* the most of /proc/locks or fdinfo read */

static const char *refusal(enum qr_lock_kind kind)
{
	switch (kind) {
	case QR_LK_LEASE:
		return "a lease (F_SETLEASE)";
	case QR_LK_DELEG:
		return "a delegation";
	case QR_LK_MANDATORY:
		return "a mandatory lock";
	default:
		return "a lock of a kind not known here";
	}
}

static void add(struct qr_fd_capture *c, const struct qr_lock_line *l)
{
	struct qri_lock q = {
		.kind = l->kind == QR_LK_POSIX ? QRI_LOCK_POSIX :
			l->kind == QR_LK_OFD ? QRI_LOCK_OFD :
			l->kind == QR_LK_LEASE ? QRI_LOCK_LEASE : QRI_LOCK_FLOCK,
		.write = l->write,
		.pid = l->kind == QR_LK_OFD ? 0 : (uint32_t)l->pid,
		.start = l->start,
		.end = l->end,
	};

	qr_strbuf_add(c->data, &q, sizeof(q));
}

/* Calls fn on each lock line of text (those after prefix, when given;
 * only those holding needle, when given): -1 if a line does not parse
 * (printed, naming pid and fd) or fn says. */
static int each_line(const char *text, const char *prefix, const char *needle,
		     struct qr_fd_capture *c,
		     int (*fn)(struct qr_fd_capture *c, const struct qr_lock_line *l))
{
	size_t np = prefix ? strlen(prefix) : 0, nn = needle ? strlen(needle) : 0;

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		struct qr_lock_line l;
		struct qr_err e;
		char line[600];
		size_t n = strcspn(s, "\n");

		if ((prefix && strncmp(s, prefix, np)) ||
		    (needle && !memmem(s, n, needle, nn)))
			continue;
		if (n - np >= sizeof(line)) {
			qr_error("process %d: fd %d: a lock line too long", c->pid, c->fd);
			return -1;
		}
		memcpy(line, s + np, n - np);
		line[n - np] = '\0';
		if (qr_lock_line_parse(line, &l, &e)) {
			qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
			return -1;
		}
		if (fn(c, &l))
			return -1;
	}
	return 0;
}

/* A lock of this open file description (fdinfo). POSIX ones come from
 * /proc/locks, every owner's. */
static int own_lock(struct qr_fd_capture *c, const struct qr_lock_line *l)
{
	if (l->waiter || l->kind == QR_LK_POSIX)
		return 0;
	if (l->kind == QR_LK_OFD || l->kind == QR_LK_FLOCK ||
	    (l->kind == QR_LK_LEASE && !l->breaking && !l->unlock && l->pid > 0)) {
		add(c, l);
		return 0;
	}
	qr_error("process %d: fd %d: %s on %s%s: not carried", c->pid, c->fd,
		 refusal(l->kind), c->link,
		 l->kind == QR_LK_LEASE ? ", being broken (another opened the file)" : "");
	return -1;
}

/* A POSIX lock held on c's inode (/proc/locks). */
static int posix_lock(struct qr_fd_capture *c, const struct qr_lock_line *l)
{
	if (l->kind == QR_LK_POSIX && !l->waiter && l->has_inode && l->pid > 0 &&
	    l->major == major(c->st->st_dev) && l->minor == minor(c->st->st_dev) &&
	    l->ino == c->st->st_ino)
		add(c, l);
	return 0;
}

static char *fdinfo(pid_t pid, int fd)
{
	char path[64];
	char *t;

	/* a line per lock: more than qr_read_proc's 64 KiB may come */
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	t = qr_read_file(path, LOCKS_MAX);
	if (!t)
		qr_error("process %d: fd %d: no fdinfo: %s", pid, fd, strerror(errno));
	return t;
}

/* Whether any process holds a POSIX or OFD lock on c's inode: F_GETLK
 * for the whole file on a duplicate of its fd finds one if there is (the
 * duplicate is ours: no lock of ours to hide one, none changed). Saves
 * reading /proc/locks, all of the system's locks, for each file. */
static int inode_locked(struct qr_fd_capture *c)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int dup = qr_fd_dup(c->pid, c->fd), rc;

	rc = dup < 0 || fcntl(dup, F_GETLK, &l) ? -1 : l.l_type != F_UNLCK;
	if (rc < 0)
		qr_error("process %d: fd %d: cannot see its locks: %s", c->pid,
			 c->fd, strerror(errno));
	if (dup >= 0)
		close(dup);
	return rc;
}

/* The locks after the head qr_locks_capture() wrote. */
static int capture(struct qr_fd_capture *c)
{
	char *t, inode[64];
	int rc;

	/* An O_PATH fd takes no lock; its owner took it through another. */
	if (c->f->open_flags & O_PATH)
		return 0;
	t = fdinfo(c->pid, c->fd);
	if (!t)
		return -1;
	rc = each_line(t, "lock:\t", NULL, c, own_lock);
	free(t);
	if (rc)
		return -1;
	rc = inode_locked(c);
	if (rc <= 0)
		return rc;
	t = qr_read_file("/proc/locks", LOCKS_MAX);
	if (!t) {
		qr_error("process %d: fd %d: /proc/locks: %s", c->pid, c->fd,
			 strerror(errno));
		return -1;
	}
	/* the inode as lock_get_status() prints it: parse only its lines */
	snprintf(inode, sizeof(inode), ":%02x:%lu ", minor(c->st->st_dev),
		 (unsigned long)c->st->st_ino);
	rc = each_line(t, NULL, inode, c, posix_lock);
	free(t);
	return rc;
}

int qr_locks_capture(struct qr_fd_capture *c)
{
	struct qri_locks_head h = { 0 };
	size_t at = c->data->len;
	int rc;

	qr_strbuf_add(c->data, &h, sizeof(h));
	rc = capture(c);
	if (!c->data->oom) {
		h.nlocks = (c->data->len - at - sizeof(h)) / sizeof(struct qri_lock);
		memcpy(c->data->s + at, &h, sizeof(h));
	}
	return rc;
}

void qr_locks_trim(struct qr_fd_capture *c)
{
	struct qri_locks_head h;

	if (c->data->oom || c->data->len != sizeof(h))
		return;
	memcpy(&h, c->data->s, sizeof(h));
	if (!h.nlocks)
		c->data->len = 0;
}

bool qr_locks_carried(const struct qr_fd_kind *kind)
{
	return kind == &qr_fd_file || kind == &qr_fd_dir;
}

int qr_locks_none(pid_t pid, int fd, const char *link, const char *what)
{
	char *t = fdinfo(pid, fd), *l;
	struct qr_lock_line lk;

	if (!t)
		return -1;
	l = strstr(t, "\nlock:\t");
	if (l) {
		char *end = strchr(l + 7, '\n');

		if (end)
			*end = '\0';
		if (qr_lock_line_parse(l + 7, &lk, NULL))
			lk.kind = QR_LK_UNKNOWN;
		qr_error("process %d: fd %d: a %s lock on %s (%s): not carried",
			 pid, fd, qr_lock_kind_name(lk.kind), link, what);
	}
	free(t);
	return l ? -1 : 0;
}

int qr_locks_check(const struct qri_file_img *f, size_t *end,
		   struct qr_err *e)
{
	return qr_locks_data_check(f->data, f->f.data_len, end, e);
}

size_t qr_locks_end(const struct qri_file_img *f)
{
	size_t end;

	return qr_locks_check(f, &end, NULL) ? f->f.data_len : end;
}

/* f's locks (the reader checked them), n of them. */
static const struct qri_lock *locks_of(const struct qri_file_img *f, size_t *n)
{
	struct qri_locks_head h = { 0 };

	if (f->f.data_len)
		memcpy(&h, f->data, sizeof(h));
	*n = h.nlocks;
	return (const struct qri_lock *)(f->data + sizeof(h));
}

static const char *rw(const struct qri_lock *q)
{
	return q->write ? "WRITE" : "READ";
}

/* fcntl cmd (F_SETLK, F_OFD_SETLK) for q on fd, "" or why not. */
static const char *range_lock(int fd, int cmd, const struct qri_lock *q,
			      char *why, size_t size)
{
	struct flock l = {
		.l_type = q->write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET,
		.l_start = (off_t)q->start,
		.l_len = q->end == QRI_LOCK_EOF ? 0 : (off_t)(q->end - q->start + 1),
	};

	if (!fcntl(fd, cmd, &l))
		return "";
	if (errno != EAGAIN && errno != EACCES) {
		snprintf(why, size, "%s", strerror(errno));
		return why;
	}
	l.l_pid = 0;
	if (!fcntl(fd, cmd == F_SETLK ? F_GETLK : F_OFD_GETLK, &l) &&
	    l.l_type != F_UNLCK && l.l_pid > 0)
		snprintf(why, size, "held by process %d", l.l_pid);
	else
		snprintf(why, size, "held by another open file");
	return why;
}

/* A flock or a lease: the open file description's, on the whole file. */
static const char *whole_lock(int fd, const struct qri_lock *q)
{
	if (q->kind == QRI_LOCK_LEASE) {
		if (!fcntl(fd, F_SETLEASE, q->write ? F_WRLCK : F_RDLCK))
			return "";
		return errno == EAGAIN ? "the file is open elsewhere, which it excludes" :
			strerror(errno);
	}
	if (!flock(fd, (q->write ? LOCK_EX : LOCK_SH) | LOCK_NB))
		return "";
	return errno == EWOULDBLOCK ? "held by another open file" : strerror(errno);
}

static bool whole(const struct qri_lock *q)
{
	return q->kind == QRI_LOCK_FLOCK || q->kind == QRI_LOCK_LEASE;
}

static const char *whole_name(const struct qri_lock *q)
{
	if (q->kind == QRI_LOCK_LEASE)
		return q->write ? "lease F_WRLCK" : "lease F_RDLCK";
	return q->write ? "flock LOCK_EX" : "flock LOCK_SH";
}

/* " START-END" of a range lock, for messages. */
static void range_name(const struct qri_lock *q, char *out, size_t size)
{
	if (q->end == QRI_LOCK_EOF)
		snprintf(out, size, " %llu-EOF", (unsigned long long)q->start);
	else
		snprintf(out, size, " %llu-%llu", (unsigned long long)q->start,
			 (unsigned long long)q->end);
}

/* Whether process pid is kept and holds f (it takes its flock or lease
 * again). */
static bool kept_holder(struct qr_files *t, const struct qri_file_img *f,
			uint32_t pid)
{
	const struct qri_image *img = qr_files_image(t);

	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *pr = &img->procs[i];

		if (pr->p.pid != pid)
			continue;
		for (size_t j = 0; j < pr->nfds; j++)
			if (img->files[pr->fds[j].file].f.id == f->f.id)
				return true;
	}
	return false;
}

/* Files whose flock or lease open could not take again (printed): their
 * holders fail in place. Filled in quickreboot restore before the
 * processes are forked, which inherit it. */
static uint32_t *unlocked;
static size_t nunlocked;

int qr_locks_open(struct qr_files *t, const struct qri_file_img *f, int fd)
{
	size_t n;
	const struct qri_lock *q = locks_of(f, &n);
	const char *no;
	uint32_t *more;

	for (size_t i = 0; i < n; i++) {
		if (!whole(&q[i]) || kept_holder(t, f, q[i].pid))
			continue;
		no = whole_lock(fd, &q[i]);
		if (!*no)
			continue;
		qr_error("restore: %s: %s: %s", f->path, whole_name(&q[i]), no);
		more = realloc(unlocked, (nunlocked + 1) * sizeof(*more));
		if (!more)
			return -1;
		unlocked = more;
		unlocked[nunlocked++] = f->f.id;
	}
	return 0;
}

int qr_locks_retake(struct qr_files *t, const struct qri_file_img *f,
		    uint32_t pid)
{
	const struct qri_lock *q;
	size_t n;
	const char *no;
	int fd;

	if (!qr_locks_carried(qr_fd_kind(f->f.kind)))
		return 0;
	q = locks_of(f, &n);
	for (size_t i = 0; i < n; i++) {
		if (!whole(&q[i]) || q[i].pid != pid)
			continue;
		fd = qr_files_get(t, f->f.id);
		no = fd < 0 ? "its file is not made" : whole_lock(fd, &q[i]);
		if (*no) {
			qr_error("restore: %s: %s of process %u, which failed: %s",
				 f->path, whole_name(&q[i]), pid, no);
			return -1;
		}
	}
	return 0;
}

/* Whether fd's access mode lets it take q (another fd of the process on
 * the same inode does otherwise: the one the lock was taken through). */
static bool mode_allows(const struct qri_file_img *f, const struct qri_lock *q)
{
	int acc = f->f.open_flags & O_ACCMODE;

	if (f->f.open_flags & O_PATH)
		return false;
	return q->write ? acc == O_WRONLY || acc == O_RDWR :
		acc == O_RDONLY || acc == O_RDWR;
}

int qr_locks_place(const struct qri_proc_img *pr, const struct qri_fd_img *fd,
		   const struct qri_file_img *f)
{
	size_t n;
	const struct qri_lock *q = locks_of(f, &n);
	char why[128], range[48];
	const char *no = "";

	for (size_t i = 0; i < nunlocked; i++)
		if (unlocked[i] == f->f.id) {
			qr_error("restore: process %u: fd %u: %s: its flock or lease could not be taken again (above)",
				 pr->p.pid, fd->f.fd, f->path);
			return -1;
		}
	for (size_t i = 0; i < n && !*no; i++) {
		range_name(&q[i], range, sizeof(range));
		if (whole(&q[i]))
			range[0] = '\0';
		if (q[i].kind == QRI_LOCK_OFD)
			no = range_lock(fd->f.fd, F_OFD_SETLK, &q[i], why, sizeof(why));
		else if (q[i].pid != pr->p.pid)
			continue;
		else if (q[i].kind == QRI_LOCK_POSIX && mode_allows(f, &q[i]))
			no = range_lock(fd->f.fd, F_SETLK, &q[i], why, sizeof(why));
		else if (whole(&q[i]))
			no = whole_lock(fd->f.fd, &q[i]);
		if (*no)
			qr_error("restore: process %u: fd %u: %s: %s %s lock%s: %s",
				 pr->p.pid, fd->f.fd, f->path,
				 q[i].kind == QRI_LOCK_OFD ? "OFD" :
				 q[i].kind == QRI_LOCK_POSIX ? "POSIX" :
				 q[i].kind == QRI_LOCK_LEASE ? "lease" : "flock",
				 rw(&q[i]),
				 range, no);
	}
	return *no ? -1 : 0;
}
