/* eventfd: its counter and semaphore mode, from fdinfo; made again with
 * both. Kernels before 6.5 do not show the mode: the capture then asks
 * the counter itself, through a duplicate of the fd, while the processes
 * are frozen (see probe_mode); an eventfd also open outside the kept set,
 * whose holder runs on and could see the probe, is refused then. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/event.h"
#include "fds/kind.h"
#include "fds/outside.h"
#include "lib/exit.h"
#include "lib/readfile.h"

int qr_eventfd_parse(const char *text, struct qri_eventfd *out,
		     int *sem_known, struct qr_err *e)
{
	const char *v, *p;
	uint64_t n, sem;
	size_t len;

	memset(out, 0, sizeof(*out));
	*sem_known = 0;
	v = qr_fdinfo_field(text, "eventfd-count:", &len);
	if (!v)
		return qr_err_set(e, "eventfd: no eventfd-count in fdinfo");
	p = v;
	if (qr_fdinfo_num(&p, v + len, 16, &n) || p != v + len || n == UINT64_MAX)
		return qr_err_set(e, "eventfd: bad eventfd-count");
	out->count = n;
	v = qr_fdinfo_field(text, "eventfd-semaphore:", &len);
	if (v) {
		p = v;
		if (qr_fdinfo_num(&p, v + len, 10, &sem) || p != v + len || sem > 1)
			return qr_err_set(e, "eventfd: bad eventfd-semaphore");
		out->flags = sem ? QRI_EFD_SEMAPHORE : 0;
		*sem_known = 1;
	}
	return 0;
}

int qr_eventfd_decode(const uint8_t *data, size_t len,
		      struct qri_eventfd *out, struct qr_err *e)
{
	if (len != sizeof(*out))
		return qr_err_set(e, "eventfd data of %zu bytes, not %zu", len,
				  sizeof(*out));
	memcpy(out, data, sizeof(*out));
	if (out->count == UINT64_MAX || out->flags & ~(uint32_t)QRI_EFD_SEMAPHORE)
		return qr_err_set(e, "eventfd: counter or flags out of range");
	return 0;
}

static bool eventfd_match(const char *link, const struct stat *st)
{
	(void)st;
	return !strcmp(link, "anon_inode:[eventfd]");
}

/* The mode, from what one read takes: in semaphore mode 1, else the whole
 * counter, which must then be 2 or more to tell. A read and writes on a
 * duplicate (the same counter, the same flags: left as they are) put it
 * back as it was; no read can block, the counter being 1 or more before
 * each. Only the processes' own events in between could notice, and they
 * are frozen: never run for `check`. */
static int probe_mode(struct qr_fd_capture *c, uint64_t count, uint32_t *flags)
{
	uint64_t add = count >= 2 ? 0 : 2 - count, got = 0, one = 1;
	int fd = qr_fd_dup(c->pid, c->fd), rc = -1;

	if (fd < 0)
		goto out;
	if ((add && write(fd, &add, 8) != 8) || read(fd, &got, 8) != 8)
		goto out;
	*flags = got == 1 ? QRI_EFD_SEMAPHORE : 0;
	/* Back to count: the semaphore's read took 1 of count + add; a
	 * whole read took it all. */
	if (*flags) {
		for (uint64_t i = 1; i < add; i++)
			if (read(fd, &one, 8) != 8)
				goto out;
		if (!add && write(fd, &one, 8) != 8)
			goto out;
	} else if (count && write(fd, &count, 8) != 8) {
		goto out;
	}
	rc = 0;
out:
	if (rc)
		qr_error("process %d: fd %d: eventfd: cannot tell its mode: %s",
			 c->pid, c->fd, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int eventfd_capture(struct qr_fd_capture *c)
{
	struct qri_eventfd ev;
	char name[32];
	struct qr_err e;
	int known, rc;
	char *text;

	snprintf(name, sizeof(name), "fdinfo/%d", c->fd);
	text = qr_read_proc(c->pid, name);
	if (!text) {
		qr_error("process %d: fd %d: eventfd: no fdinfo", c->pid, c->fd);
		return -1;
	}
	rc = qr_eventfd_parse(text, &ev, &known, &e);
	free(text);
	if (rc) {
		qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
		return -1;
	}
	if (!known && !c->check_only && probe_mode(c, ev.count, &ev.flags))
		return -1;
	qr_strbuf_add(c->data, &ev, sizeof(ev));
	return 0;
}

/* The kept eventfds, one fd per open file description, in kcmp order. */
struct kept_eventfds {
	const struct qr_fd_seen **v;
	size_t n;
	int refused;
};

static int by_file(const void *a, const void *b)
{
	int o = qr_fd_order(*(const struct qr_fd_seen *const *)a,
			    *(const struct qr_fd_seen *const *)b);

	return o == 2 ? 0 : o;
}

/* Whether this kernel shows the mode (asked of one kept eventfd). */
static bool mode_shown(const struct qr_fd_seen *v)
{
	char name[32], *text;
	bool shown;

	snprintf(name, sizeof(name), "fdinfo/%d", v->fd);
	text = qr_read_proc(v->pid, name);
	shown = !text || strstr(text, "\neventfd-semaphore:");
	free(text);
	return shown;
}

static void outside_eventfd(void *ctx, pid_t pid, int fd, const char *path,
			    const char *link)
{
	struct kept_eventfds *k = ctx;
	struct qr_fd_seen o = { .pid = pid, .fd = fd };
	size_t lo = 0, hi = k->n;
	struct stat st;
	char comm[32];

	if (strcmp(link, "anon_inode:[eventfd]") || stat(path, &st))
		return;
	o.dev = st.st_dev;
	o.ino = st.st_ino;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = qr_fd_order(&o, k->v[mid]);

		if (r == 2)
			return;
		if (!r) {
			qr_outside_comm(pid, comm, sizeof(comm));
			qr_error("process %d: fd %d is an eventfd also open in process %d (%s), outside the kept set: this kernel does not show its mode, which the capture would try on the counter that process shares: not carried",
				 k->v[mid]->pid, k->v[mid]->fd, pid, comm);
			k->refused++;
			return;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
}

static int eventfd_check_set(const struct qr_fd_set *s)
{
	struct kept_eventfds k = { 0 };

	k.v = malloc((s->n + 1) * sizeof(*k.v));
	if (!k.v) {
		qr_error("checking eventfds: out of memory");
		return 1;
	}
	/* Ids are given in the order files are first met: a file's first
	 * fd has the highest id so far. */
	for (size_t i = 0, top = 0; i < s->n; i++) {
		if (s->v[i].kind == QRI_FD_EVENTFD && s->v[i].id > top)
			k.v[k.n++] = &s->v[i];
		top = s->v[i].id > top ? s->v[i].id : top;
	}
	if (k.n && !mode_shown(k.v[0])) {
		qsort(k.v, k.n, sizeof(*k.v), by_file);
		if (qr_outside_fds(s, outside_eventfd, &k))
			k.refused++;
	}
	free(k.v);
	return k.refused;
}

static int eventfd_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct qri_eventfd ev;
	struct qr_err e;
	int fd;

	(void)t;
	if (qr_eventfd_decode(f->data, f->f.data_len, &ev, &e)) {
		qr_error("restore: file %u: %s", f->f.id, e.msg);
		return -1;
	}
	/* The count may be above what eventfd(2) takes (an unsigned int). */
	fd = eventfd(0, EFD_CLOEXEC |
		     (ev.flags & QRI_EFD_SEMAPHORE ? EFD_SEMAPHORE : 0) |
		     (f->f.open_flags & O_NONBLOCK ? EFD_NONBLOCK : 0));
	if (fd < 0 || (ev.count && write(fd, &ev.count, 8) != 8)) {
		qr_error("restore: file %u: eventfd of %llu: %s", f->f.id,
			 (unsigned long long)ev.count, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int eventfd_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qri_eventfd ev;

	return qr_eventfd_decode(f->data, f->f.data_len, &ev, e);
}

const struct qr_fd_kind qr_fd_eventfd = {
	.kind = QRI_FD_EVENTFD, .name = "eventfd",
	.match = eventfd_match, .capture = eventfd_capture,
	.check_set = eventfd_check_set, .valid = eventfd_valid, .open = eventfd_open,
};
