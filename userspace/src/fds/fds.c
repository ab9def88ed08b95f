/* File descriptors at capture: listed from /proc/PID/fd, each open file
 * description captured once by its kind (kind.h) and named by every fd
 * that shares it. Descriptions are told apart by kcmp(2) KCMP_FILE, whose
 * answer orders them: a sorted array of the ones met so far, searched in
 * log n calls, even for the anon_inode kinds that all share one inode. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/fds.h"
#include "fds/inet.h"
#include "fds/kind.h"
#include "fds/locks.h"
#include "fds/outside.h"
#include "fds/owner.h"
#include "lib/exit.h"

#define KCMP_FILE 0

struct capture {
	struct qri_writer *w;		/* NULL: check only */
	struct qr_fd_seen *seen;	/* every fd */
	size_t nseen, capseen;
	size_t *files;			/* indexes of seen, one per file,
					 * sorted by dev, ino, kcmp */
	size_t nfiles;
	uint32_t last_id;
	int oom;
};

/* Why no kind carries an fd, for check's message (buf of 128). */
static const char *refusal(pid_t pid, int fd, const char *link, char *buf)
{
	const char *sock;

	if (link[0] == '/' && qr_path_deleted(link))
		return "a deleted file";
	if (!strncmp(link, "socket:[", 8)) {
		sock = qr_sock_describe(pid, fd, buf, 128);
		if (sock)
			return sock;
	}
	return link;	/* "socket:[123]", "anon_inode:...", a device */
}

/* pos and flags from fdinfo ("pos:\t0\nflags:\t0100002\n..."), its
 * first lines: what follows is the kind's, which may be long (an epoll's
 * targets). *locked: a lock follows ("lock:\t...", printed after "ino:",
 * before the kind's lines). */
static int fdinfo(pid_t pid, int fd, uint64_t *pos, uint32_t *flags,
		  bool *locked)
{
	char path[64], t[256], *p;
	int f, rc = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, t, sizeof(t) - 1);
	close(f);
	if (n <= 0)
		return -1;
	t[n] = '\0';
	p = strstr(t, "\nflags:");
	if (!strncmp(t, "pos:", 4) && p) {
		*pos = strtoull(t + 4, NULL, 10);
		*flags = strtoul(p + 7, NULL, 8);
		*locked = strstr(t, "\nlock:\t");
		rc = 0;
	}
	return rc;
}

int qr_fd_order(const struct qr_fd_seen *s, const struct qr_fd_seen *o)
{
	long r;

	if (s->dev != o->dev)
		return s->dev < o->dev ? -1 : 1;
	if (s->ino != o->ino)
		return s->ino < o->ino ? -1 : 1;
	r = syscall(SYS_kcmp, s->pid, o->pid, KCMP_FILE, s->fd, o->fd);
	if (r == 0 || r == 1 || r == 2)
		return r == 0 ? 0 : r == 1 ? -1 : 1;
	qr_error("process %d: fd %d: kcmp with process %d fd %d: %s: a shared file cannot be ruled out",
		 s->pid, s->fd, o->pid, o->fd, r < 0 ? strerror(errno) : "no order");
	return 2;
}

/* The file s shares with an fd met before, or where it goes in c->files:
 * *at. Returns the file's index in seen, -1 for a new one, -2 on error. */
static long find_file(const struct capture *c, const struct qr_fd_seen *s,
		      size_t *at)
{
	size_t lo = 0, hi = c->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int o = qr_fd_order(s, &c->seen[c->files[mid]]);

		if (o == 2)
			return -2;
		if (o == 0)
			return (long)c->files[mid];
		if (o < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return -1;
}

static struct qr_fd_seen *add_seen(struct capture *c)
{
	if (c->nseen == c->capseen) {
		size_t cap = c->capseen ? c->capseen * 2 : 64;
		struct qr_fd_seen *v = realloc(c->seen, cap * sizeof(*v));
		size_t *f = realloc(c->files, cap * sizeof(*f));

		if (v)
			c->seen = v;
		if (f)
			c->files = f;
		if (!v || !f) {
			c->oom = 1;
			return NULL;
		}
		c->capseen = cap;
	}
	return &c->seen[c->nseen];
}

/* A file met first at s: captured by its kind, recorded. */
static int new_file(struct capture *c, struct qr_fd_seen *s,
		    const struct qr_fd_kind *kind, const char *link,
		    const struct stat *st, uint64_t pos, uint32_t flags)
{
	struct qri_file f = {
		.id = ++c->last_id, .kind = kind->kind, .pos = pos,
		.open_flags = flags &
			~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY),
	};
	struct qr_strbuf data = { 0 };
	struct qr_fd_capture cap = {
		.pid = s->pid, .fd = s->fd, .link = link, .st = st,
		.f = &f, .data = &data, .check_only = !c->w,
	};
	int rc = -1;

	if ((kind->capture && kind->capture(&cap)) || qr_owner_capture(&cap))
		goto out;
	if (data.oom || data.len > QRI_MAX_FILE_DATA) {
		qr_error("process %d: fd %d: %s data of %zu bytes: out of memory or too large",
			 s->pid, s->fd, kind->name, data.len);
		goto out;
	}
	s->id = f.id;
	s->object = f.object;
	s->owner_type = f.owner_type;
	s->owner = f.owner;
	f.data_len = data.len;
	if (c->w)
		qri_add_file(c->w, &f, link, data.s);
	rc = 0;
out:
	free(data.s);
	return rc;
}

/* One fd: its file found or captured, the fd recorded. 0, or 1 refused. */
static int one_fd(struct capture *c, pid_t pid, int fd)
{
	char fdpath[64], link[QRI_MAX_PATH + 1], why[128];
	const struct qr_fd_kind *kind;
	struct qr_fd_seen *s;
	uint32_t flags;
	struct stat st;
	bool locked;
	uint64_t pos;
	size_t at = 0;
	ssize_t n;
	long same;

	snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%d", pid, fd);
	n = readlink(fdpath, link, sizeof(link) - 1);
	if (n < 0 || stat(fdpath, &st)) {
		qr_error("process %d: fd %d: %s", pid, fd, strerror(errno));
		return 1;
	}
	link[n] = '\0';
	kind = qr_fd_kind_match_fd(pid, fd, link, &st);
	if (!kind) {
		qr_error("process %d: fd %d is %s: not carried", pid, fd,
			 refusal(pid, fd, link, why));
		return 1;
	}
	/* The flags show FD_CLOEXEC, the fd's own, as O_CLOEXEC. */
	if (fdinfo(pid, fd, &pos, &flags, &locked)) {
		qr_error("process %d: fd %d: no fdinfo", pid, fd);
		return 1;
	}
	if (locked && !qr_locks_carried(kind) &&
	    qr_locks_none(pid, fd, link, kind->name))
		return 1;
	s = add_seen(c);
	if (!s)
		return 1;
	*s = (struct qr_fd_seen){ .pid = pid, .fd = fd, .kind = kind->kind,
				  .dev = st.st_dev, .ino = st.st_ino };
	same = find_file(c, s, &at);
	if (same == -2)
		return 1;
	if (same >= 0) {
		s->id = c->seen[same].id;
		s->object = c->seen[same].object;
		s->owner_type = c->seen[same].owner_type;
		s->owner = c->seen[same].owner;
	} else {
		if (new_file(c, s, kind, link, &st, pos, flags))
			return 1;
		memmove(&c->files[at + 1], &c->files[at],
			(c->nfiles - at) * sizeof(*c->files));
		c->files[at] = c->nseen;
		c->nfiles++;
	}
	if (c->w) {
		struct qri_fd r = {
			.pid = pid, .fd = fd, .file = s->id,
			.fd_flags = flags & O_CLOEXEC ? FD_CLOEXEC : 0,
		};

		qri_add_fd(c->w, &r);
	}
	c->nseen++;
	return 0;
}

static int process_fds(struct capture *c, pid_t pid)
{
	char path[64];
	struct dirent *d;
	int refused = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir) {
		qr_error("process %d: cannot list its files: %s", pid, strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			refused += one_fd(c, pid, atoi(d->d_name));
	closedir(dir);
	return refused;
}

int qr_capture_files(struct qri_writer *w, const pid_t *pids, int n)
{
	struct capture c = { .w = w };
	int refused = 0;

	for (int i = 0; i < n && refused >= 0; i++) {
		int bad = process_fds(&c, pids[i]);

		refused = bad < 0 ? -1 : refused + bad;
	}
	if (refused >= 0) {
		struct qr_fd_set set = { c.seen, c.nseen };

		for (size_t k = 0; k < qr_fd_nkinds; k++)
			if (qr_fd_kinds[k]->check_set)
				refused += qr_fd_kinds[k]->check_set(&set);
		refused += qr_owner_check_set(&set);
		qr_outside_forget();
	}
	if (c.oom) {
		qr_error("capturing files: out of memory");
		refused = -1;
	}
	free(c.seen);
	free(c.files);
	return refused;
}
