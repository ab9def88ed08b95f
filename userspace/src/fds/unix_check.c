/* The UNIX sockets of the kept set against each other (unix_kind.h):
 * a peer, or a connection queued on a listener, held outside the set is
 * refused naming its name and holder; so is data sent on a connection
 * not yet accepted (it waits in a socket no restore can make). */
#define _GNU_SOURCE
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>

#include "fds/sockdiag.h"
#include "fds/unix_kind.h"
#include "lib/exit.h"

static bool kept(const struct qr_fd_set *s, uint32_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == QRI_FD_UNIX && s->v[i].object == ino)
			return true;
	return false;
}

static bool kept_process(const struct qr_fd_set *s, int pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].pid == pid)
			return true;
	return false;
}

/* Whether the socket ino is outside the kept set, then described in buf
 * as "NAME (socket I), held by process P (fd N)". One held by a kept
 * process but not in the set was refused with its own fd. */
static bool outside(const struct qr_fd_set *s, uint32_t ino,
		    const struct qr_unix_diag *all, size_t n, char *buf,
		    size_t size)
{
	const struct qr_unix_diag *d = qr_unix_diag_find(all, n, ino);
	char name[QR_UNIX_NAME_MAX + 2];
	const char *what = d ? qr_unix_name_str(d->name, d->name_len, name) :
			       "a socket gone";
	int pid, fd;

	if (kept(s, ino))
		return false;
	if (qr_unix_holder(ino, &pid, &fd)) {
		snprintf(buf, size, "%s (socket %u), held by no process", what, ino);
		return true;
	}
	snprintf(buf, size, "%s (socket %u), held by process %d (fd %d)", what,
		 ino, pid, fd);
	return !kept_process(s, pid);
}

/* The listener whose queue holds the connection of client ino. */
static const struct qr_unix_diag *listener_of(const struct qr_unix_diag *all,
					      size_t n, uint32_t ino)
{
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < all[i].nicons; k++)
			if (all[i].icons[k] == ino)
				return &all[i];
	return NULL;
}

/* One socket of the set against all the others: how many refusals. */
static int check_one(const struct qr_fd_set *s, const struct qr_fd_seen *f,
		     const struct qr_unix_diag *all, size_t n)
{
	const struct qr_unix_diag *d = qr_unix_diag_find(all, n, f->object), *l;
	char buf[2 * QR_UNIX_NAME_MAX + 128];
	int refused = 0;

	if (!d)
		return 0;	/* gone since capture, which said so */
	if (d->peer && outside(s, d->peer, all, n, buf, sizeof(buf))) {
		qr_error("process %d: fd %d: UNIX socket connected to %s, outside the kept set: not carried",
			 f->pid, f->fd, buf);
		refused++;
	}
	for (uint32_t k = 0; d->state == TCP_LISTEN && k < d->nicons; k++) {
		const struct qr_unix_diag *cl = qr_unix_diag_find(all, n, d->icons[k]);

		if (outside(s, d->icons[k], all, n, buf, sizeof(buf))) {
			qr_error("process %d: fd %d: UNIX socket has a connection not yet accepted from %s, outside the kept set: not carried",
				 f->pid, f->fd, buf);
			refused++;
		} else if (cl && cl->wmem) {
			qr_error("process %d: fd %d: UNIX socket has a connection not yet accepted with data sent on it: not carried",
				 f->pid, f->fd);
			refused++;
		}
	}
	if (d->state == TCP_ESTABLISHED && !d->peer && d->type != SOCK_DGRAM &&
	    !d->shutdown) {
		l = listener_of(all, n, d->ino);
		if (!l) {
			qr_error("process %d: fd %d: UNIX socket connected to a socket found nowhere: not carried",
				 f->pid, f->fd);
			refused++;
		} else if (outside(s, l->ino, all, n, buf, sizeof(buf))) {
			qr_error("process %d: fd %d: UNIX socket waits to be accepted by %s, outside the kept set: not carried",
				 f->pid, f->fd, buf);
			refused++;
		}
	}
	return refused;
}

int qr_unix_check_set(const struct qr_fd_set *s)
{
	struct qr_unix_diag *all;
	int refused = 0;
	size_t n;

	if (qr_unix_diag_all(&all, &n))
		return 1;
	for (size_t i = 0; i < s->n; i++) {
		bool first = true;

		if (s->v[i].kind != QRI_FD_UNIX)
			continue;
		/* One verdict per socket, at its first fd. */
		for (size_t j = 0; j < i && first; j++)
			if (s->v[j].kind == QRI_FD_UNIX &&
			    s->v[j].object == s->v[i].object)
				first = false;
		if (first)
			refused += check_one(s, &s->v[i], all, n);
	}
	qr_unix_diag_free_all(all, n);
	return refused;
}

