/* See pty.h: the checks that need every kept fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checkpoint/stat.h"
#include "fds/dupfd.h"
#include "fds/outside.h"
#include "fds/pty.h"
#include "lib/exit.h"
#include "lib/readfile.h"

struct kept {
	pid_t pid;
	struct qr_stat st;	/* state 0: unread */
};

struct check {
	const struct qr_fd_set *s;
	struct kept *k;
	size_t nk;
	dev_t devpts;
	int refused;
};

static struct kept *kept_pid(const struct check *c, pid_t pid)
{
	for (size_t i = 0; i < c->nk; i++)
		if (c->k[i].pid == pid)
			return &c->k[i];
	return NULL;
}

/* The first kept fd of kind on pty index, NULL if none. */
static const struct qr_fd_seen *kept_end(const struct check *c, uint32_t kind,
					 long index)
{
	for (size_t i = 0; i < c->s->n; i++)
		if (c->s->v[i].kind == kind && (long)c->s->v[i].object == index)
			return &c->s->v[i];
	return NULL;
}

static const struct qr_fd_seen *kept_any(const struct check *c, long index)
{
	const struct qr_fd_seen *v = kept_end(c, QRI_FD_PTMX, index);

	return v ? v : kept_end(c, QRI_FD_PTS, index);
}

/* The pty index an outside fd names, -1 if none. */
static long outside_index(const struct check *c, pid_t pid, int fd,
			  const char *path)
{
	char p[64], *info, *t;
	struct stat st;
	long index = -1;

	if (stat(path, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (st.st_dev == c->devpts)
		return qr_pty_index(st.st_rdev);
	if (major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
		return -1;
	snprintf(p, sizeof(p), "fdinfo/%d", fd);
	info = qr_read_proc(pid, p);
	t = info ? strstr(info, "tty-index:") : NULL;
	if (t)
		index = strtol(t + 10, NULL, 10);
	free(info);
	return index;
}

static void outside_fd(void *ctx, pid_t pid, int fd, const char *path,
		       const char *link)
{
	struct check *c = ctx;
	long index = outside_index(c, pid, fd, path);
	const struct qr_fd_seen *v = index < 0 ? NULL : kept_any(c, index);
	char comm[64];

	(void)link;
	if (!v)
		return;
	qr_outside_comm(pid, comm, sizeof(comm));
	qr_error("process %d: fd %d: pts/%ld is also open in process %d (%s) fd %d, outside the kept set: not carried",
		 v->pid, v->fd, index, pid, comm, fd);
	c->refused++;
}

static int read_stat(struct kept *k)
{
	char *text = qr_read_proc(k->pid, "stat");
	struct qr_err e;
	int rc = text ? qr_stat_parse(text, &k->st, &e) : -1;

	free(text);
	return rc;
}

/* The session and foreground group a kept master's slave has. */
static void session(struct check *c, const struct qr_fd_seen *v)
{
	int m = qr_fd_dup(v->pid, v->fd), sid = 0, pgrp = 0;
	struct kept *leader;
	bool fg = false;

	if (m < 0)
		return;	/* its capture said why */
	if (ioctl(m, TIOCGSID, &sid) || ioctl(m, TIOCGPGRP, &pgrp))
		sid = 0;
	close(m);
	if (sid <= 0)
		return;
	leader = kept_pid(c, sid);
	if (!leader || leader->st.sid != (uint32_t)sid) {
		qr_error("process %d: fd %d: pts/%lu is the controlling terminal of session %d, which is not kept: not carried",
			 v->pid, v->fd, (unsigned long)v->object, sid);
		c->refused++;
		return;
	}
	for (size_t i = 0; i < c->nk; i++)
		fg |= c->k[i].st.pgid == (uint32_t)pgrp &&
			c->k[i].st.sid == (uint32_t)sid;
	if (!fg) {
		qr_error("process %d: fd %d: pts/%lu: its foreground group %d has no kept process in session %d: not carried",
			 v->pid, v->fd, (unsigned long)v->object, pgrp, sid);
		c->refused++;
	}
}

/* A kept session leader's controlling terminal. */
static void leader(struct check *c, const struct kept *k)
{
	dev_t dev = makedev((k->st.tty_nr >> 8) & 0xfff,
			    (k->st.tty_nr & 0xff) | ((k->st.tty_nr >> 12) & 0xfff00));
	long index = qr_pty_index(dev);

	if (k->st.sid != (uint32_t)k->pid || !k->st.tty_nr)
		return;
	if (index >= 0 && kept_end(c, QRI_FD_PTMX, index))
		return;
	if (index >= 0)
		qr_error("process %d: leads its session, whose controlling terminal pts/%ld has no kept master: not carried",
			 k->pid, index);
	else
		qr_error("process %d: leads its session, whose controlling terminal is device %u:%u: not carried",
			 k->pid, major(dev), minor(dev));
	c->refused++;
}

int qr_pty_check_set(const struct qr_fd_set *s)
{
	struct check c = { .s = s };
	struct stat devpts;
	bool ptys = false;

	c.k = calloc(s->n + 1, sizeof(*c.k));
	if (!c.k) {
		qr_error("checking terminals: out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		ptys |= s->v[i].kind == QRI_FD_PTMX || s->v[i].kind == QRI_FD_PTS;
		if (!kept_pid(&c, s->v[i].pid)) {
			c.k[c.nk].pid = s->v[i].pid;
			if (!read_stat(&c.k[c.nk]))
				c.nk++;
		}
	}
	for (size_t i = 0; i < c.nk; i++)
		leader(&c, &c.k[i]);
	if (ptys) {
		c.devpts = stat("/dev/pts", &devpts) ? 0 : devpts.st_dev;
		for (size_t i = 0; i < s->n; i++) {
			const struct qr_fd_seen *v = &s->v[i];

			if (v->kind == QRI_FD_PTS && !kept_end(&c, QRI_FD_PTMX, v->object)) {
				qr_error("process %d: fd %d is /dev/pts/%lu: no kept process holds its master: not carried",
					 v->pid, v->fd, (unsigned long)v->object);
				c.refused++;
			}
			if (v->kind == QRI_FD_PTMX && v == kept_end(&c, QRI_FD_PTMX, v->object))
				session(&c, v);
		}
		if (qr_outside_fds(s, outside_fd, &c))
			c.refused++;
	}
	free(c.k);
	return c.refused;
}
