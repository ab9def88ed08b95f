/* The kinds of open file a checkpoint carries: one entry each, with its
 * capture, what its image record holds and its restore together, as CRIU's
 * fdtype_ops. A kind the table does not have is refused by `check` and
 * `checkpoint` before anything is frozen, and by the image reader.
 * Adding a kind: its QRI_FD_* value (image/format.h), a file here with its
 * entry, and that entry in qr_fd_kinds (kind.c).
 *
 * The unit is the open file description (QRI_FILE), not the fd: fds that
 * share one (dup, fork, SCM_RIGHTS) are found by kcmp(2) at capture and get
 * the one file again at restore, which makes every file once, in
 * quickreboot restore before any process exists; each process takes its
 * fds from there by dup2 (fds/table.h). */
#ifndef QR_FD_KIND_H
#define QR_FD_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "image/image.h"
#include "lib/err.h"
#include "lib/strbuf.h"

/* The first fd met of an open file description. */
struct qr_fd_capture {
	pid_t pid;
	int fd;
	const char *link;		/* its /proc/PID/fd link */
	const struct stat *st;		/* stat of /proc/PID/fd/FD */
	struct qri_file *f;		/* kind, flags and pos filled */
	struct qr_strbuf *data;		/* the kind's data, appended */
	bool check_only;		/* `check`: the process runs on */
};

/* Every fd of every kept process, once all are captured. */
struct qr_fd_seen {
	pid_t pid;
	int fd;
	uint32_t id, kind;
	uint64_t object;
	dev_t dev;
	ino_t ino;
	uint32_t owner_type, owner;	/* signal-driven I/O (fds/owner.h) */
};

struct qr_fd_set {
	const struct qr_fd_seen *v;
	size_t n;
};

/* The order of s's open file description against o's, by dev, inode and
 * kcmp(2), which orders descriptions of one inode: <0, 0 (the same one),
 * >0; 2 when kcmp fails (printed). */
int qr_fd_order(const struct qr_fd_seen *s, const struct qr_fd_seen *o);

struct qr_files;

struct qr_fd_kind {
	uint32_t kind;		/* QRI_FD_*, as in the image */
	const char *name;
	/* Made again, it is the same (/dev/null): no harm in two copies. */
	bool stateless;
	/* Whether an fd with this /proc/PID/fd link and stat is this kind.
	 * NULL: match_fd says. */
	bool (*match)(const char *link, const struct stat *st);
	/* When no kind's match took it: whether the fd itself is this kind
	 * (a socket, asked through a duplicate). NULL: match says it all. */
	bool (*match_fd)(pid_t pid, int fd, const struct stat *st);
	/* Once per open file description, for `check` too (the process is
	 * not frozen then: nothing may change). Sets c->f->object or pos if
	 * the kind has them, appends its data. 0, or -1 having printed why.
	 * NULL: nothing beyond the link. */
	int (*capture)(struct qr_fd_capture *c);
	/* Once all are captured: what needs them all (a pipe's other end
	 * held outside the kept set). How many refused, each printed. */
	int (*check_set)(const struct qr_fd_set *s);
	/* The image reader's check of the kind's data (untrusted: fuzzed),
	 * so that a bad record is refused before anything is touched: 0, or
	 * -1 with e saying what is wrong. NULL: the kind has no data. */
	int (*valid)(const struct qri_file_img *f, struct qr_err *e);
	/* In quickreboot restore, before any process exists, inside the
	 * image's time namespace: the open file description, as a new fd
	 * (any number), or -1 having printed why. */
	int (*open)(struct qr_files *t, const struct qri_file_img *f);
	/* In the restored process, its fds at their numbers, before it runs:
	 * what belongs to the process, not the file (POSIX locks, epoll
	 * registrations). Each of its fds of the kind. NULL: nothing. */
	int (*place)(const struct qri_proc_img *pr, const struct qri_fd_img *fd,
		     const struct qri_file_img *f);
};

extern const struct qr_fd_kind qr_fd_file, qr_fd_dir, qr_fd_chardev,
	qr_fd_symlink, qr_fd_pipe, qr_fd_fifo, qr_fd_memfd, qr_fd_ghost,
	qr_fd_journal, qr_fd_unix, qr_fd_ptmx, qr_fd_pts;
extern const struct qr_fd_kind qr_fd_eventfd, qr_fd_timerfd, qr_fd_signalfd,
	qr_fd_epoll, qr_fd_inotify;
extern const struct qr_fd_kind qr_fd_tcp, qr_fd_udp;

/* Every kind (kind.c). */
extern const struct qr_fd_kind *const qr_fd_kinds[];
extern const size_t qr_fd_nkinds;

/* For kinds reopened by path: open(2) of the absolute path with the
 * recorded flags (O_CREAT, O_EXCL and O_TRUNC did their work at the first
 * open) and extra. */
int qr_fd_reopen(const struct qri_file_img *f, int extra);

/* The kind with this QRI_FD_* value, NULL if none. */
const struct qr_fd_kind *qr_fd_kind(uint32_t kind);

/* The kind of an fd from its link and stat, NULL if none carries it. */
const struct qr_fd_kind *qr_fd_kind_match(const char *link,
					  const struct stat *st);
/* The same, then asking pid's fd itself (match_fd). */
const struct qr_fd_kind *qr_fd_kind_match_fd(pid_t pid, int fd,
					     const char *link,
					     const struct stat *st);

/* The table of restore's files (fds/table.c), for kinds that make or need
 * another file: the fd of file id, made now if not yet (an epoll's
 * targets), or -1 having printed why. */
int qr_files_get(struct qr_files *t, uint32_t id);
/* The fd of file id if it is made already, else -1 (nothing made). */
int qr_files_made(const struct qr_files *t, uint32_t id);
/* A file made by another's open (a pipe's other end): t owns fd now. */
int qr_files_put(struct qr_files *t, uint32_t id, int fd);
const struct qri_image *qr_files_image(const struct qr_files *t);
/* The image's first file of f's kind and object (f itself if it is the
 * first): the one that makes the object the others share. */
const struct qri_file_img *qr_files_first_kin(const struct qr_files *t,
					      const struct qri_file_img *f);

#endif
