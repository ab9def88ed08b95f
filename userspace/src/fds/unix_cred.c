/* Sockets whose peer credentials are another process's (unix_kind.h).
 *
 * The kernel records a socket's peer credentials from the calling
 * process at socketpair() (both ends: the caller's), listen() (what
 * clients that connect will see) and connect() (what the accepted end
 * will see). Restore runs as root: made there, every socket would say
 * its peer is root and restore. So each such call runs in a helper
 * process forked for it with the recorded groups, gid and uid, and the
 * recorded pid (clone3 set_tid): files are made before any restored
 * process exists, so a kept process's pid is free then, and a struct pid
 * keeps its number after the helper exits. A pid taken here fails the
 * socket (it would name another process), as does any credential the
 * helper cannot take. The helper keeps CAP_DAC_OVERRIDE only, which no
 * peer-credential interface shows, to reach socket files the original
 * process could. Fds it makes come back over SCM_RIGHTS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds/unix_kind.h"
#include "lib/exit.h"

enum op { SOCKETPAIR, LISTEN, CONNECT };

struct call {
	enum op op;
	int type, s, backlog;
	const struct sockaddr_un *a;
	socklen_t len;
};

static int become(const struct qr_unix_cred *c, const uint8_t *groups)
{
	gid_t *g = calloc(c->ngroups + 1, sizeof(*g));
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (!g)
		return -1;
	for (uint32_t i = 0; i < c->ngroups; i++)
		g[i] = qr_unix_group(groups, i);
	if (setgroups(c->ngroups, g)) {
		free(g);
		return -1;
	}
	free(g);
	if (setresgid(c->gid, c->gid, c->gid))
		return -1;
	if (!c->uid)
		return setresuid(0, 0, 0);
	d[0].effective = d[0].permitted = 1u << CAP_DAC_OVERRIDE;
	return prctl(PR_SET_KEEPCAPS, 1) || setresuid(c->uid, c->uid, c->uid) ||
	       syscall(SYS_capset, &h, d) ? -1 : 0;
}

/* In the helper: the call, then its errno and fds to the parent. */
static void helper(const struct qr_unix_cred *c, const uint8_t *groups,
		   const struct call *k, int back)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cb = { 0 };
	int err = 0, sv[2], nfd = 0;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (become(c, groups))
		err = errno;
	else if (k->op == SOCKETPAIR && socketpair(AF_UNIX, k->type | SOCK_CLOEXEC, 0, sv))
		err = errno;
	else if (k->op == SOCKETPAIR)
		nfd = 2;
	else if (k->op == LISTEN && listen(k->s, k->backlog))
		err = errno;
	else if (k->op == CONNECT &&
		 connect(k->s, (const struct sockaddr *)k->a, k->len))
		err = errno;
	if (nfd) {
		m.msg_control = cb.b;
		m.msg_controllen = CMSG_SPACE(2 * sizeof(int));
		cb.h.cmsg_level = SOL_SOCKET;
		cb.h.cmsg_type = SCM_RIGHTS;
		cb.h.cmsg_len = CMSG_LEN(2 * sizeof(int));
		memcpy(CMSG_DATA(&cb.h), sv, sizeof(sv));
	}
	_exit(sendmsg(back, &m, 0) == sizeof(err) ? 0 : 1);
}

static int run(const struct qr_unix_cred *c, const uint8_t *groups,
	       const struct call *k, int sv[2])
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cb;
	pid_t want = c->pid, got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	int ch[2], err = EIO;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cb.b, .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *h;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ch))
		return -1;
	got = syscall(SYS_clone3, &ca, sizeof(ca));
	if (!got) {
		close(ch[0]);
		helper(c, groups, k, ch[1]);
	}
	close(ch[1]);
	if (got < 0) {
		err = errno;
		if (err == EEXIST)
			qr_error("restore: UNIX socket: pid %d, which its peer credentials name, is taken in this kernel: not made (it would name another process)",
				 c->pid);
		close(ch[0]);
		errno = err;
		return -1;
	}
	do
		n = recvmsg(ch[0], &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close(ch[0]);
	while (waitpid(got, NULL, 0) < 0 && errno == EINTR)
		;
	h = n == sizeof(err) ? CMSG_FIRSTHDR(&m) : NULL;
	if (n == sizeof(err) && !err && k->op == SOCKETPAIR) {
		if (!h || h->cmsg_type != SCM_RIGHTS ||
		    h->cmsg_len != CMSG_LEN(2 * sizeof(int))) {
			errno = EIO;
			return -1;
		}
		memcpy(sv, CMSG_DATA(h), 2 * sizeof(int));
	}
	if (n != sizeof(err))
		err = EIO;
	errno = err;
	return err ? -1 : 0;
}

int qr_unix_socketpair_as(const struct qr_unix_cred *c, const uint8_t *groups,
			  int type, int sv[2])
{
	struct call k = { .op = SOCKETPAIR, .type = type };

	return run(c, groups, &k, sv);
}

int qr_unix_listen_as(const struct qr_unix_cred *c, const uint8_t *groups,
		      int s, int backlog)
{
	struct call k = { .op = LISTEN, .s = s, .backlog = backlog };

	return run(c, groups, &k, NULL);
}

int qr_unix_connect_as(const struct qr_unix_cred *c, const uint8_t *groups,
		       int s, const struct sockaddr_un *a, socklen_t len)
{
	struct call k = { .op = CONNECT, .s = s, .a = a, .len = len };

	return run(c, groups, &k, NULL);
}

int qr_unix_pid_hold(pid_t pid, struct qr_unix_pid_hold *h)
{
	pid_t want = pid, got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	int p[2], err;
	char c;

	h->pid = 0;
	h->wr = -1;
	if (pipe2(p, O_CLOEXEC))
		return -1;
	got = syscall(SYS_clone3, &ca, sizeof(ca));
	if (!got) {
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	err = errno;
	close(p[0]);
	if (got < 0) {
		close(p[1]);
		errno = err;
		return -1;
	}
	h->pid = got;
	h->wr = p[1];
	return 0;
}

void qr_unix_pid_release(struct qr_unix_pid_hold *h)
{
	if (!h->pid)
		return;
	close(h->wr);
	while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
		;
	h->pid = 0;
	h->wr = -1;
}

int qr_unix_peer_cred(int s, struct qr_unix_cred *c, uint32_t **groups)
{
	struct ucred u;
	socklen_t len = sizeof(u), glen = 64 * sizeof(uint32_t);
	uint32_t *g = NULL;

	memset(c, 0, sizeof(*c));
	*groups = NULL;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &len))
		return -1;
	for (;;) {
		uint32_t *ng = realloc(g, glen + 4);

		if (!ng) {
			free(g);
			return -1;
		}
		g = ng;
		if (!getsockopt(s, SOL_SOCKET, SO_PEERGROUPS, g, &glen))
			break;
		if (errno == ENODATA) {
			free(g);
			return 1;
		}
		if (errno != ERANGE || glen > QR_UNIX_MAX_GROUPS * 4) {
			free(g);
			return -1;
		}
	}
	c->pid = u.pid;
	c->uid = u.uid;
	c->gid = u.gid;
	c->ngroups = glen / 4;
	*groups = g;
	return 0;
}

int qr_unix_peersec(int s, char *buf)
{
	socklen_t len = QR_UNIX_MAX_PEERSEC;

	if (getsockopt(s, SOL_SOCKET, SO_PEERSEC, buf, &len))
		return errno == ENOPROTOOPT ? 0 : -1;
	return len;
}
