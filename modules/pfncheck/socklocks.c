// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: a socket's buffer locks (PFNCHECK_IOC_SOCKLOCKS).
 *
 * SO_SNDBUF and SO_RCVBUF set SOCK_SNDBUF_LOCK and SOCK_RCVBUF_LOCK in
 * sk_userlocks, and from then on TCP no longer sizes that buffer itself.
 * Neither /proc nor sock_diag shows the locks, and no user ABI clears
 * them: checkpoint reads them, and restore, which must force the buffers
 * of a connection large enough to write its queues back, gives the
 * kernel back those the process never set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/net.h>
#include <net/sock.h>

#include "pfncheck.h"

static u32 pf_locks_of(const struct sock *sk)
{
	u32 locks = 0;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		locks |= PFNCHECK_SOCKLOCK_SNDBUF;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		locks |= PFNCHECK_SOCKLOCK_RCVBUF;
	return locks;
}

int pf_socklocks(struct pfncheck_socklocks *arg)
{
	struct socket *sock;
	struct sock *sk;
	struct file *f;
	int ret = 0;

	if (arg->reserved || arg->flags & ~PFNCHECK_SOCKLOCKS_FLAGS ||
	    (arg->flags & PFNCHECK_SOCKLOCKS_SET &&
	     arg->locks & ~PFNCHECK_SOCKLOCKS))
		return -EINVAL;
	f = fget(arg->fd);
	if (!f)
		return -EBADF;
	sock = sock_from_file(f);
	sk = sock ? sock->sk : NULL;
	if (!sk) {
		ret = -ENOTSOCK;
		goto out;
	}
	lock_sock(sk);
	if (arg->flags & PFNCHECK_SOCKLOCKS_SET) {
		u8 keep = sk->sk_userlocks &
			  ~(SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK);

		if (arg->locks & PFNCHECK_SOCKLOCK_SNDBUF)
			keep |= SOCK_SNDBUF_LOCK;
		if (arg->locks & PFNCHECK_SOCKLOCK_RCVBUF)
			keep |= SOCK_RCVBUF_LOCK;
		sk->sk_userlocks = keep;
	}
	arg->locks = pf_locks_of(sk);
	release_sock(sk);
out:
	fput(f);
	return ret;
}
