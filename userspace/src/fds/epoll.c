/* epoll: every target with its event mask and data word, from fdinfo's
 * "tfd:" lines. A target is named by an fd number of the process that
 * added it, which fdinfo lists until the file itself is closed: the
 * capture checks with kcmp(2) KCMP_EPOLL_TFD that each is still that fd's
 * file in the process it met the epoll at (its owner), and refuses the
 * epoll naming the target otherwise. Restore makes an empty epoll; the
 * owner, its fds at their numbers, adds the targets again before it runs
 * (place), which polls each: what is ready is reported as the targets'
 * state says. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds/event.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#define KCMP_EPOLL_TFD 7
/* fdinfo of an epoll: a line of about 90 bytes per target. */
#define FDINFO_MAX (128u << 20)

struct kcmp_epoll_slot {
	uint32_t efd, tfd, toff;
};

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

static int literal(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	skip_blanks(p, end);
	if ((size_t)(end - *p) < n || memcmp(*p, word, n))
		return -1;
	*p += n;
	skip_blanks(p, end);
	return 0;
}

/* "tfd: %8d events: %8x data: %16llx  pos:..." (what follows data is the
 * target's offset, inode and device: not needed). */
static int parse_target(const char *line, const char *end,
			struct qri_epoll_target *t)
{
	const char *p = line;
	uint64_t fd, ev;

	if (literal(&p, end, "tfd:") || qr_fdinfo_num(&p, end, 10, &fd) ||
	    fd > INT32_MAX || literal(&p, end, "events:") ||
	    qr_fdinfo_num(&p, end, 16, &ev) || ev & ~(uint64_t)QRI_EPOLL_KNOWN ||
	    literal(&p, end, "data:") ||
	    qr_fdinfo_num(&p, end, 16, &t->data) ||
	    (p < end && *p != ' ' && *p != '\t'))
		return -1;
	t->fd = (uint32_t)fd;
	t->events = (uint32_t)ev;
	return 0;
}

int qr_epoll_parse(const char *text, struct qri_epoll_target **out,
		   size_t *n, struct qr_err *e)
{
	struct qri_epoll_target *v = NULL, *bigger;
	size_t cap = 0, count = 0;
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);

		if (!strncmp(line, "tfd:", 4)) {
			char shown[QR_TOKEN_BUF];

			if (count == QRI_EPOLL_MAX_TARGETS) {
				free(v);
				return qr_err_set(e, "epoll: more than %u targets",
						  QRI_EPOLL_MAX_TARGETS);
			}
			if (count == cap) {
				cap = cap ? cap * 2 : 16;
				bigger = realloc(v, cap * sizeof(*v));
				if (!bigger) {
					free(v);
					return qr_err_set(e, "epoll: out of memory");
				}
				v = bigger;
			}
			if (parse_target(line, end, &v[count])) {
				qr_err_token(shown, line, (size_t)(end - line));
				free(v);
				return qr_err_set(e, "epoll: bad target line '%s'", shown);
			}
			count++;
		}
		line = nl ? nl + 1 : end;
	}
	*out = v;
	*n = count;
	return 0;
}

int qr_epoll_decode(const uint8_t *data, size_t len, struct qri_epoll *out,
		    const struct qri_epoll_target **t, struct qr_err *e)
{
	if (len < sizeof(*out))
		return qr_err_set(e, "epoll data of %zu bytes, too short", len);
	memcpy(out, data, sizeof(*out));
	if (out->ntargets > QRI_EPOLL_MAX_TARGETS ||
	    len != sizeof(*out) + (size_t)out->ntargets * sizeof(**t))
		return qr_err_set(e, "epoll data of %zu bytes for %u targets",
				  len, out->ntargets);
	if (out->owner_fd > INT32_MAX)
		return qr_err_set(e, "epoll: owner fd %u", out->owner_fd);
	*t = (const struct qri_epoll_target *)(data + sizeof(*out));
	for (uint32_t i = 0; i < out->ntargets; i++) {
		struct qri_epoll_target x;

		memcpy(&x, &(*t)[i], sizeof(x));
		if (x.fd > INT32_MAX || x.events & ~(uint32_t)QRI_EPOLL_KNOWN)
			return qr_err_set(e, "epoll: target %u: fd %u events %x",
					  i, x.fd, x.events);
	}
	return 0;
}

static bool epoll_match(const char *link, const struct stat *st)
{
	(void)st;
	return !strcmp(link, "anon_inode:[eventpoll]");
}

/* Whether each target is still the file its fd names in c->pid: 0, or
 * how many are not (each printed). The k-th target of one fd number is
 * slot k of that number (the kernel's tree order, as fdinfo lists it). */
static int check_targets(struct qr_fd_capture *c,
			 const struct qri_epoll_target *v, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct kcmp_epoll_slot s = { .efd = c->fd, .tfd = v[i].fd };
		long r;

		for (size_t j = 0; j < i; j++)
			s.toff += v[j].fd == v[i].fd;
		r = syscall(SYS_kcmp, c->pid, c->pid, KCMP_EPOLL_TFD, v[i].fd,
			    (unsigned long)&s);
		if (r == 0)
			continue;
		bad++;
		if (r < 0 && errno == EBADF)
			qr_error("process %d: fd %d: epoll target fd %u was closed after it was added (the file is open elsewhere): not carried",
				 c->pid, c->fd, v[i].fd);
		else if (r > 0)
			qr_error("process %d: fd %d: epoll target fd %u is another file than the one added: not carried",
				 c->pid, c->fd, v[i].fd);
		else
			qr_error("process %d: fd %d: epoll target fd %u: kcmp: %s: not carried",
				 c->pid, c->fd, v[i].fd, strerror(errno));
	}
	return bad;
}

static int epoll_capture(struct qr_fd_capture *c)
{
	struct qri_epoll h = { .owner_pid = c->pid, .owner_fd = c->fd };
	struct qri_epoll_target *v = NULL;
	char path[64], *text;
	struct qr_err e;
	size_t n = 0;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", c->pid, c->fd);
	text = qr_read_file(path, FDINFO_MAX);
	if (!text) {
		qr_error("process %d: fd %d: epoll: fdinfo: %s", c->pid, c->fd,
			 strerror(errno));
		return -1;
	}
	rc = qr_epoll_parse(text, &v, &n, &e);
	free(text);
	if (rc) {
		qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
		return -1;
	}
	rc = check_targets(c, v, n) ? -1 : 0;
	h.ntargets = (uint32_t)n;
	qr_strbuf_add(c->data, &h, sizeof(h));
	qr_strbuf_add(c->data, v, n * sizeof(*v));
	free(v);
	return rc;
}

/* Whether the owner holds this file at owner_fd: else no process would
 * add its targets. */
static bool owner_holds(const struct qri_image *img,
			const struct qri_file_img *f, const struct qri_epoll *h)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *pr = &img->procs[i];

		if (pr->p.pid != h->owner_pid)
			continue;
		for (size_t j = 0; j < pr->nfds; j++)
			if (pr->fds[j].f.fd == h->owner_fd &&
			    &img->files[pr->fds[j].file] == f)
				return true;
	}
	return false;
}

static int epoll_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_epoll_target *v;
	struct qri_epoll h;
	struct qr_err e;
	int fd;

	if (qr_epoll_decode(f->data, f->f.data_len, &h, &v, &e)) {
		qr_error("restore: file %u: %s", f->f.id, e.msg);
		return -1;
	}
	if (!owner_holds(qr_files_image(t), f, &h)) {
		qr_error("restore: file %u: epoll: its owner, process %u, has it at no fd %u",
			 f->f.id, h.owner_pid, h.owner_fd);
		return -1;
	}
	fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		qr_error("restore: file %u: epoll: %s", f->f.id, strerror(errno));
	return fd;
}

static int epoll_place(const struct qri_proc_img *pr,
		       const struct qri_fd_img *fd, const struct qri_file_img *f)
{
	const struct qri_epoll_target *v;
	struct qri_epoll h;
	struct qr_err e;

	if (qr_epoll_decode(f->data, f->f.data_len, &h, &v, &e)) {
		qr_error("restore: process %u: fd %u: %s", pr->p.pid, fd->f.fd, e.msg);
		return -1;
	}
	if (h.owner_pid != pr->p.pid || h.owner_fd != fd->f.fd)
		return 0;
	for (uint32_t i = 0; i < h.ntargets; i++) {
		struct qri_epoll_target x;
		struct epoll_event ev;

		memcpy(&x, &v[i], sizeof(x));
		ev.events = x.events;
		ev.data.u64 = x.data;
		if (epoll_ctl((int)fd->f.fd, EPOLL_CTL_ADD, (int)x.fd, &ev)) {
			qr_error("restore: process %u: fd %u: epoll target fd %u (events %x): %s",
				 pr->p.pid, fd->f.fd, x.fd, x.events, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int epoll_valid(const struct qri_file_img *f, struct qr_err *e)
{
	const struct qri_epoll_target *v;
	struct qri_epoll h;

	return qr_epoll_decode(f->data, f->f.data_len, &h, &v, e);
}

const struct qr_fd_kind qr_fd_epoll = {
	.kind = QRI_FD_EPOLL, .name = "epoll",
	.match = epoll_match, .capture = epoll_capture,
	.valid = epoll_valid, .open = epoll_open, .place = epoll_place,
};
