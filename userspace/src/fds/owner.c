/* See fds/owner.h. */
#define _GNU_SOURCE
#include "fds/owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "lib/exit.h"

int qr_owner_capture(struct qr_fd_capture *c)
{
	struct f_owner_ex o = { 0 };
	int dup, sig = -1;

	/* An O_PATH fd has no owner: fcntl refuses to say. */
	if (c->f->open_flags & O_PATH)
		return 0;
	dup = qr_fd_dup(c->pid, c->fd);
	if (dup >= 0 && !fcntl(dup, F_GETOWN_EX, &o))
		sig = fcntl(dup, F_GETSIG);
	if (sig < 0) {
		qr_error("process %d: fd %d: cannot see where its I/O signals go: %s",
			 c->pid, c->fd, strerror(errno));
		if (dup >= 0)
			close(dup);
		return -1;
	}
	close(dup);
	c->f->owner_type = o.pid > 0 ? (uint32_t)o.type : 0;
	c->f->owner = o.pid > 0 ? (uint32_t)o.pid : 0;
	c->f->signal = sig;
	return 0;
}

static const char *owner_name(uint32_t type)
{
	return type == F_OWNER_PGRP ? "group" :
		type == F_OWNER_TID ? "thread" : "process";
}

/* Whether the process holding s is where its owner points. */
static bool is_owner(const struct qr_fd_seen *s, uint32_t type, uint32_t owner)
{
	if (type == F_OWNER_PGRP)
		return getpgid(s->pid) == (pid_t)owner;
	return (uint32_t)s->pid == owner;
}

int qr_owner_check_set(const struct qr_fd_set *s)
{
	int refused = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct qr_fd_seen *a = &s->v[i];
		bool first = true, found = false;

		if (!a->owner)
			continue;
		for (size_t j = 0; j < s->n && !found; j++) {
			if (s->v[j].id != a->id)
				continue;
			first = first && j >= i;
			found = is_owner(&s->v[j], a->owner_type, a->owner);
		}
		if (found || !first)
			continue;
		qr_error("process %d: fd %d: its I/O signals go to %s %u (F_SETOWN), not a kept process holding it: not carried",
			 a->pid, a->fd, owner_name(a->owner_type), a->owner);
		refused++;
	}
	return refused;
}

/* fcntl(fd, F_SETOWN_EX) as pr's real and effective user, which the
 * kernel keeps with the owner; root again after (the saved id stays 0). */
static int set_owner(const struct qri_proc_img *pr, int fd,
		     const struct f_owner_ex *o)
{
	uid_t r, e, s;
	int rc, err;

	if (getresuid(&r, &e, &s) ||
	    setresuid(pr->p.uid[0], pr->p.uid[1], -1))
		return -1;
	rc = fcntl(fd, F_SETOWN_EX, o);
	err = errno;
	if (setresuid(r, e, -1))
		return -1;
	errno = err;
	return rc;
}

/* Whether fd is pr's first fd of its file. */
static bool first_fd(const struct qri_proc_img *pr, const struct qri_fd_img *fd)
{
	for (const struct qri_fd_img *d = pr->fds; d < fd; d++)
		if (d->file == fd->file)
			return false;
	return true;
}

int qr_owner_place(const struct qri_proc_img *pr, const struct qri_fd_img *fd,
		   const struct qri_file_img *f)
{
	struct f_owner_ex o = { .type = f->f.owner_type, .pid = f->f.owner };
	int n = fd->f.fd, flags;
	bool async = f->f.open_flags & O_ASYNC;

	if (f->f.owner ? f->f.owner != (f->f.owner_type == F_OWNER_PGRP ?
					pr->p.pgid : pr->p.pid) :
	    !f->f.signal && !async)
		return 0;
	if (!first_fd(pr, fd))
		return 0;
	if (f->f.owner && set_owner(pr, n, &o)) {
		qr_error("restore: process %u: fd %d: I/O signals to %s %u: %s",
			 pr->p.pid, n, owner_name(o.type), f->f.owner,
			 strerror(errno));
		return -1;
	}
	if (fcntl(n, F_SETSIG, (int)f->f.signal)) {
		qr_error("restore: process %u: fd %d: F_SETSIG %u: %s", pr->p.pid,
			 n, f->f.signal, strerror(errno));
		return -1;
	}
	/* O_ASYNC given to open(2) is only a flag: F_SETFL turning it on
	 * is what registers the file for signals, at this fd. */
	flags = fcntl(n, F_GETFL);
	if (async && (flags < 0 || fcntl(n, F_SETFL, flags & ~O_ASYNC) ||
		      fcntl(n, F_SETFL, flags | O_ASYNC))) {
		qr_error("restore: process %u: fd %d: O_ASYNC: %s", pr->p.pid, n,
			 strerror(errno));
		return -1;
	}
	return 0;
}
