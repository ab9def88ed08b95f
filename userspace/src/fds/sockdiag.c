/* UNIX sockets through NETLINK_SOCK_DIAG (sockdiag.h). */
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/sockdiag.h"
#include "lib/exit.h"
#include "lib/module_open.h"

#define SHOW (UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | \
	      UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN | UDIAG_SHOW_MEMINFO)
#define MAX_ICONS 65536		/* above any somaxconn */

int qr_unix_diag_parse(const void *payload, size_t len, struct qr_unix_diag *d)
{
	const struct unix_diag_msg *m = payload;
	const uint8_t *p = payload;
	size_t off = NLMSG_ALIGN(sizeof(*m));

	memset(d, 0, sizeof(*d));
	if (len < sizeof(*m) || m->udiag_family != AF_UNIX)
		return -1;
	d->ino = m->udiag_ino;
	d->type = m->udiag_type;
	d->state = m->udiag_state;
	while (off + sizeof(struct nlattr) <= len) {
		struct nlattr a;
		const uint8_t *v = p + off + NLA_HDRLEN;
		size_t vlen;

		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - off)
			goto bad;
		vlen = a.nla_len - NLA_HDRLEN;
		switch (a.nla_type & NLA_TYPE_MASK) {
		case UNIX_DIAG_NAME:
			if (vlen > QR_UNIX_NAME_MAX)
				goto bad;
			memcpy(d->name, v, vlen);
			d->name_len = vlen;
			break;
		case UNIX_DIAG_VFS: {
			struct unix_diag_vfs vfs;

			if (vlen < sizeof(vfs))
				goto bad;
			memcpy(&vfs, v, sizeof(vfs));
			d->has_vfs = true;
			d->vfs_ino = vfs.udiag_vfs_ino;
			d->vfs_dev = vfs.udiag_vfs_dev;
			break;
		}
		case UNIX_DIAG_PEER:
			if (vlen < 4)
				goto bad;
			memcpy(&d->peer, v, 4);
			break;
		case UNIX_DIAG_ICONS:
			if (vlen % 4 || vlen / 4 > MAX_ICONS || d->icons)
				goto bad;
			d->nicons = vlen / 4;
			d->icons = malloc(vlen + 4);
			if (!d->icons)
				goto bad;
			memcpy(d->icons, v, vlen);
			break;
		case UNIX_DIAG_RQLEN: {
			struct unix_diag_rqlen q;

			if (vlen < sizeof(q))
				goto bad;
			memcpy(&q, v, sizeof(q));
			d->rqueue = q.udiag_rqueue;
			d->wqueue = q.udiag_wqueue;
			break;
		}
		case UNIX_DIAG_MEMINFO:
			if (vlen < (SK_MEMINFO_WMEM_ALLOC + 1) * 4)
				goto bad;
			memcpy(&d->wmem, v + SK_MEMINFO_WMEM_ALLOC * 4, 4);
			break;
		case UNIX_DIAG_SHUTDOWN:
			if (vlen < 1)
				goto bad;
			d->shutdown = v[0];
			break;
		}
		off += NLA_ALIGN(a.nla_len);
	}
	return 0;
bad:
	qr_unix_diag_free(d);
	return -1;
}

void qr_unix_diag_free(struct qr_unix_diag *d)
{
	free(d->icons);
	d->icons = NULL;
	d->nicons = 0;
}

void qr_unix_diag_free_all(struct qr_unix_diag *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		qr_unix_diag_free(&v[i]);
	free(v);
}

/* Sends the request, calls got() for each answer until the end: 0, 1
 * if the kernel knows no such socket, -1 having printed why. */
static int ask(uint32_t ino, int (*got)(const struct qr_unix_diag *, void *),
	       void *arg)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req),
			 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | (ino ? 0 : NLM_F_DUMP) },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
		       .udiag_ino = ino, .udiag_show = SHOW,
		       .udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	static char buf[65536] __attribute__((aligned(8)));
	int s, rc = -1;

	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s < 0 || sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&nl,
			    sizeof(nl)) != sizeof(req)) {
		qr_error("sock_diag: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0) {
			qr_error("sock_diag: %s", strerror(errno));
			goto out;
		}
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct qr_unix_diag d;

			if (h->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error == -ENOENT)
					rc = 1;
				else
					qr_error("sock_diag: %s", strerror(-e->error));
				goto out;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    qr_unix_diag_parse(NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN, &d)) {
				qr_error("sock_diag: a malformed answer");
				goto out;
			}
			if (got(&d, arg)) {
				qr_unix_diag_free(&d);
				goto out;
			}
			if (ino) {
				rc = 0;
				goto out;
			}
		}
	}
out:
	if (s >= 0)
		close(s);
	return rc;
}

static int got_one(const struct qr_unix_diag *d, void *arg)
{
	*(struct qr_unix_diag *)arg = *d;
	return 0;
}

/* sock_diag's UNIX part is a module (unix_diag) that the kernel loads
 * on demand only where modprobe is set up: the first time the kernel
 * knows no UNIX socket at all, it is loaded and the question asked again.
 */
static int ask_loaded(uint32_t ino,
		      int (*got)(const struct qr_unix_diag *, void *), void *arg)
{
	static bool loaded;
	int rc = ask(ino, got, arg);

	if (rc != 1 || loaded)
		return rc;
	loaded = true;
	if (qr_module_load("unix_diag", "sock_diag"))
		return -1;
	return ask(ino, got, arg);
}

int qr_unix_diag_one(uint32_t ino, struct qr_unix_diag *d)
{
	memset(d, 0, sizeof(*d));
	if (!ino)
		return 1;
	return ask_loaded(ino, got_one, d);
}

struct all {
	struct qr_unix_diag *v;
	size_t n, cap;
};

static int got_all(const struct qr_unix_diag *d, void *arg)
{
	struct all *a = arg;

	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		struct qr_unix_diag *v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			qr_error("sock_diag: out of memory");
			return -1;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *d;
	return 0;
}

int qr_unix_diag_all(struct qr_unix_diag **v, size_t *n)
{
	struct all a = { 0 };

	if (ask_loaded(0, got_all, &a)) {
		qr_unix_diag_free_all(a.v, a.n);
		return -1;
	}
	*v = a.v;
	*n = a.n;
	return 0;
}

const struct qr_unix_diag *qr_unix_diag_find(const struct qr_unix_diag *v,
					     size_t n, uint32_t ino)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ino == ino)
			return &v[i];
	return NULL;
}

const char *qr_unix_name_str(const char *name, uint32_t len, char *buf)
{
	if (!len)
		return "an unnamed socket";
	if (name[0]) {
		memcpy(buf, name, len);
		buf[len] = '\0';	/* a path's length counts its 0 */
		return buf;
	}
	buf[0] = '@';
	for (uint32_t i = 1; i < len; i++)
		buf[i] = name[i] ? name[i] : '@';
	buf[len] = '\0';
	return buf;
}

int qr_unix_holder(uint32_t ino, int *pid, int *fd)
{
	char want[32], path[64], link[64];
	struct dirent *p, *f;
	DIR *procs, *fds;
	int rc = -1;

	snprintf(want, sizeof(want), "socket:[%u]", ino);
	procs = opendir("/proc");
	while (procs && rc && (p = readdir(procs))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", atoi(p->d_name));
		fds = opendir(path);
		while (fds && rc && (f = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%d/fd/%d",
				 atoi(p->d_name), atoi(f->d_name));
			n = readlink(path, link, sizeof(link) - 1);
			if (n < 0)
				continue;
			link[n] = '\0';
			if (!strcmp(link, want)) {
				*pid = atoi(p->d_name);
				*fd = atoi(f->d_name);
				rc = 0;
			}
		}
		if (fds)
			closedir(fds);
	}
	if (procs)
		closedir(procs);
	return rc;
}
