// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: what no user ABI reads of an open file
 * (PFNCHECK_IOC_FDSTATE), given as an fd of the caller's: a duplicate
 * of the kept process's (pidfd_getfd(2)).
 *
 * PFNCHECK_FD_INOTIFY_NEXT_WD: the wd an inotify group numbers its next
 * watch from. The group hands out wds cyclically from a counter that
 * fdinfo does not show: restore makes its own group's counter the same.
 *
 * PFNCHECK_FD_RQUEUE_COUNT: how many messages wait in a socket's
 * receive queue. A peek at an offset steps over an empty datagram that
 * something peeked before, and no interface counts a datagram socket's
 * queue: capture compares what it read with this.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/idr.h>
#include <linux/magic.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "pfncheck.h"

/* Only inotify_init1(2) makes an anonymous inode file of this name. */
static bool pf_is_inotify(struct file *f)
{
	return file_inode(f)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
		!strcmp(f->f_path.dentry->d_name.name, "inotify");
}

static int pf_inotify_next_wd(struct file *f, u64 *value)
{
	struct fsnotify_group *group;
	u32 next;

	if (!IS_ENABLED(CONFIG_INOTIFY_USER) || !pf_is_inotify(f))
		return -EINVAL;
	group = f->private_data;
	spin_lock(&group->inotify_data.idr_lock);
	next = group->inotify_data.idr.idr_next;
	spin_unlock(&group->inotify_data.idr_lock);
	/* idr_alloc_cyclic() starts at 1, inotify's lowest wd */
	*value = max_t(u32, next, 1);
	return 0;
}

static int pf_rqueue_count(struct file *f, u64 *value)
{
	struct socket *sock = sock_from_file(f);

	if (!sock || !sock->sk)
		return -EINVAL;
	*value = skb_queue_len_lockless(&sock->sk->sk_receive_queue);
	return 0;
}

int pf_fdstate(struct pfncheck_fdstate *arg)
{
	struct file *f;
	int ret;

	if (arg->reserved)
		return -EINVAL;
	f = fget(arg->fd);
	if (!f)
		return -EBADF;
	switch (arg->what) {
	case PFNCHECK_FD_INOTIFY_NEXT_WD:
		ret = pf_inotify_next_wd(f, &arg->value);
		break;
	case PFNCHECK_FD_RQUEUE_COUNT:
		ret = pf_rqueue_count(f, &arg->value);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	fput(f);
	return ret;
}
