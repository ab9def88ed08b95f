/* The journal stream as an fd kind (journal.h): what systemd connects a
 * unit's stdout and stderr to with StandardOutput=journal, kept by
 * connecting a new stream to the New kernel's journald.
 *
 * Capture reads what the stream's header said from journald's state file
 * (named by journald's side of the socket, which sock_diag gives as the
 * peer). Restore makes an unconnected socket, which every fd sharing the
 * description gets; the process that held it first (the unit's main
 * process, as the one systemd connected it for) connects it in its own
 * place hook, before any process runs: journald takes _PID and _UID from
 * the connecting process (SO_PEERCRED) and the unit from its cgroup,
 * read again every second (journald-context.c), so lines written once
 * the unit has adopted the process are the unit's. Then the header
 * again, the shutdown and the options.
 *
 * Lost: lines written before the freeze that journald had not read yet
 * (they are in journald's queue, not ours), the stream's id. Refused by
 * name: a stream whose state file is missing or malformed, or that has
 * data queued to read. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/journal.h"
#include "fds/kind.h"
#include "fds/sockdiag.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#define STATE_MAX 4096		/* a state file is a few hundred bytes */
#define CONNECT_TIMEOUT_S 10

/* The stream's journald side (d's peer) if d is a journal stream. */
static bool stream_peer(const struct qr_unix_diag *d, struct qr_unix_diag *p)
{
	if (d->type != SOCK_STREAM || d->state != TCP_ESTABLISHED || !d->peer ||
	    qr_unix_diag_one(d->peer, p))
		return false;
	/* A path name holds its 0; an accepted socket shows its listener's. */
	if (p->peer == d->ino && p->name_len && p->name[0] &&
	    memchr(p->name, 0, p->name_len) &&
	    qr_journal_socket_path(p->name, strlen(p->name)))
		return true;
	qr_unix_diag_free(p);
	return false;
}

static bool journal_match(const char *link, const struct stat *st)
{
	struct qr_unix_diag d, p;
	bool yes;

	if (strncmp(link, "socket:[", 8) || !S_ISSOCK(st->st_mode) ||
	    qr_unix_diag_one(st->st_ino, &d))
		return false;
	yes = stream_peer(&d, &p);
	if (yes)
		qr_unix_diag_free(&p);
	qr_unix_diag_free(&d);
	return yes;
}

/* journald's state file of the stream: its runtime directory (the
 * socket's, /run/systemd/journal), streams/DEV:INO of its own side. */
static int read_state(struct qr_fd_capture *c, const char *sock, uint32_t ino,
		      struct qr_journal_state *s)
{
	char path[QR_JOURNAL_PATH_MAX + 64], *text;
	size_t len;
	struct qr_err e;
	int rc;

	snprintf(path, sizeof(path), "%.*s/streams/%lu:%lu",
		 (int)(strlen(sock) - strlen("/stdout")), sock,
		 (unsigned long)c->st->st_dev, (unsigned long)ino);
	text = qr_read_file_len(path, STATE_MAX, &len);
	if (!text) {
		qr_error("process %d: fd %d: journal stream: journald's %s: %s (its header not read yet?): not carried",
			 c->pid, c->fd, path, strerror(errno));
		return -1;
	}
	rc = qr_journal_state_parse(text, len, s, &e);
	free(text);
	if (rc)
		qr_error("process %d: fd %d: journal stream: journald's %s: %s: not carried",
			 c->pid, c->fd, path, e.msg);
	return rc;
}

static int journal_capture(struct qr_fd_capture *c)
{
	struct qr_journal_rec r = { .owner = (uint32_t)c->pid };
	struct qr_journal_state s;
	struct qr_unix_diag d, p;
	socklen_t olen = sizeof(r.sndbuf);
	int fd, rc = -1;

	if (qr_unix_diag_one(c->st->st_ino, &d)) {
		qr_error("process %d: fd %d: journal stream: socket %lu gone: not carried",
			 c->pid, c->fd, (unsigned long)c->st->st_ino);
		return -1;
	}
	if (!stream_peer(&d, &p)) {
		qr_error("process %d: fd %d: journal stream: no longer connected to journald: not carried",
			 c->pid, c->fd);
		qr_unix_diag_free(&d);
		return -1;
	}
	if (d.rqueue) {
		qr_error("process %d: fd %d: journal stream: %u bytes from journald queued to read: not carried",
			 c->pid, c->fd, d.rqueue);
		goto out;
	}
	if (read_state(c, p.name, p.ino, &s))
		goto out;
	fd = qr_fd_dup(c->pid, c->fd);
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &r.sndbuf, &olen)) {
		qr_error("process %d: fd %d: journal stream: cannot read its options: %s",
			 c->pid, c->fd, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	c->f->object = d.ino;
	r.priority = s.priority;
	r.level_prefix = s.level_prefix;
	r.forward_to_syslog = s.forward_to_syslog;
	r.forward_to_kmsg = s.forward_to_kmsg;
	r.forward_to_console = s.forward_to_console;
	r.shutdown = d.shutdown & 3;
	r.path_len = (uint16_t)strlen(p.name);
	r.identifier_len = (uint16_t)s.identifier_len;
	r.unit_len = (uint16_t)s.unit_len;
	qr_strbuf_add(c->data, &r, sizeof(r));
	qr_strbuf_add(c->data, p.name, r.path_len);
	qr_strbuf_add(c->data, s.identifier, s.identifier_len);
	qr_strbuf_add(c->data, s.unit, s.unit_len);
	rc = qr_strbuf_failed(c->data) ? -1 : 0;
	if (rc)
		qr_error("process %d: fd %d: journal stream: out of memory",
			 c->pid, c->fd);
out:
	qr_unix_diag_free(&p);
	qr_unix_diag_free(&d);
	return rc;
}

static int journal_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_journal_rec r;
	struct qr_journal_state s;
	char path[QR_JOURNAL_PATH_MAX + 1];
	const char *why;

	if (qr_journal_img_parse(f->data, f->f.data_len, &r, path, &s, &why))
		return qr_err_set(e, "journal stream: %s", why);
	return 0;
}

static int parse(const struct qri_file_img *f, struct qr_journal_rec *r,
		 char *path, struct qr_journal_state *s)
{
	const char *why;

	if (qr_journal_img_parse(f->data, f->f.data_len, r, path, s, &why)) {
		qr_error("restore: file %u: journal stream: bad image data: %s",
			 f->f.id, why);
		return -1;
	}
	return 0;
}

/* Not connected yet: the owner connects it (journal_place). */
static int journal_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct qr_journal_rec r;
	struct qr_journal_state s;
	char path[QR_JOURNAL_PATH_MAX + 1];
	int fd, half;

	(void)t;
	if (parse(f, &r, path, &s))
		return -1;
	half = r.sndbuf / 2;	/* SO_SNDBUF reads twice what was set */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &half,
				 sizeof(half))) {
		qr_error("restore: file %u: journal stream: socket: %s", f->f.id,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *b, size_t len)
{
	while (len) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int journal_place(const struct qri_proc_img *pr,
			 const struct qri_fd_img *d,
			 const struct qri_file_img *f)
{
	struct timeval limit = { CONNECT_TIMEOUT_S, 0 }, none = { 0, 0 };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	char header[QR_JOURNAL_HEADER_MAX];
	struct qr_journal_rec r;
	struct qr_journal_state s;
	int fd = (int)d->f.fd, how;
	const char *what;

	if (parse(f, &r, a.sun_path, &s))
		return -1;
	/* Once, by the process that held it first (fd 2 after fd 1). */
	if (r.owner != pr->p.pid || !getpeername(fd, (struct sockaddr *)&peer, &plen))
		return 0;
	what = "connect";
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit)) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	what = "writing the stream's header";
	if (send_all(fd, header, qr_journal_header(&s, header)))
		goto fail;
	what = "options";
	how = r.shutdown == 3 ? SHUT_RDWR : r.shutdown == 2 ? SHUT_WR : SHUT_RD;
	if ((r.shutdown && shutdown(fd, how)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)) ||
	    fcntl(fd, F_SETFL, f->f.open_flags & O_NONBLOCK))
		goto fail;
	return 0;
fail:
	qr_error("restore: pid %u: fd %d: journal stream to %s: %s: %s (is journald there?)",
		 pr->p.pid, fd, a.sun_path, what, strerror(errno));
	return -1;
}

const struct qr_fd_kind qr_fd_journal = {
	.kind = QRI_FD_JOURNAL, .name = "journal stream",
	.match = journal_match, .capture = journal_capture,
	.valid = journal_valid, .open = journal_open, .place = journal_place,
};
