// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: the network lock taken off at thaw. A checkpoint
 * attaches to each kept TCP socket a classic socket filter that accepts
 * nothing, so that the connection's segments are dropped, neither
 * acknowledged nor answered, until the kexec (userspace/src/fds/netlock.c).
 * A checkpoint that fails takes it off itself; one that is killed cannot,
 * and its connections would stay deaf: every thaw takes it off here, from
 * each socket of the process whose filter is exactly that one. A program's
 * own filter is refused at capture, so none is mistaken for the lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <linux/sched/task.h>
#include <net/sock.h>

#include "pfncheck.h"

/* Whether sk's filter is the lock: one instruction, "ret #0". */
static bool pf_netlocked(struct sock *sk)
{
	struct sock_fprog_kern *orig = NULL;
	struct sk_filter *f;
	bool locked;

	rcu_read_lock();
	f = rcu_dereference(sk->sk_filter);
	if (f && f->prog)
		orig = f->prog->orig_prog;
	locked = orig && orig->len == 1 &&
		 orig->filter[0].code == (BPF_RET | BPF_K) && !orig->filter[0].k;
	rcu_read_unlock();
	return locked;
}

/*
 * iterate_fd()'s callback, under the file table's lock: the first locked
 * socket from where the walk starts, held for the caller (which takes the
 * socket's lock, which may sleep); its fd + 1 ends the walk there.
 */
static int pf_next_locked(const void *out, struct file *file, unsigned int fd)
{
	struct socket *sock = sock_from_file(file);

	if (!sock || !sock->sk || !pf_netlocked(sock->sk))
		return 0;
	*(struct file **)out = get_file(file);
	return fd + 1;
}

void pf_netunlock(struct pf_proc *p)
{
	struct task_struct *t = get_pid_task(p->pid, PIDTYPE_PID);
	struct files_struct *files = NULL;
	unsigned int n = 0, unlocked = 0;
	struct file *file;
	int next;

	if (!t)
		return;
	/* Parked, it neither exits nor changes its file table meanwhile. */
	task_lock(t);
	files = t->files;
	task_unlock(t);
	while (files && (next = iterate_fd(files, n, pf_next_locked, &file)) > 0) {
		struct sock *sk = sock_from_file(file)->sk;

		lock_sock(sk);
		if (pf_netlocked(sk) && !sk_detach_filter(sk))
			unlocked++;
		release_sock(sk);
		fput(file);
		n = next;
	}
	put_task_struct(t);
	if (unlocked)
		pr_info("thaw %d: network lock taken off %u socket(s)\n", p->nr,
			unlocked);
}
