/* See restore/tree.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds/pty.h"
#include "lib/exit.h"
#include "restore/restore.h"
#include "restore/tree.h"
#include "restorer/restorer.h"

int qr_restore_ctx_init(struct qr_restore_ctx *c, const struct qri_image *img,
			const char *dir)
{
	size_t n = img->nprocs + img->nzombies;
	struct qr_tree_proc *p = calloc(n + 1, sizeof(*p));
	int go[2];
	struct qr_err e;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->img = img;
	c->dir = dir;
	c->go_rd = c->go_wr = -1;
	c->status_rd = malloc((n + 1) * sizeof(int));
	c->status_wr = malloc((n + 1) * sizeof(int));
	if (!p || !c->status_rd || !c->status_wr) {
		qr_error("restore: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (i < img->nprocs) {
			const struct qri_process *q = &img->procs[i].p;

			p[i] = (struct qr_tree_proc) { q->pid, q->ppid, q->pgid, q->sid };
		} else {
			const struct qri_zombie *z = &img->zombies[i - img->nprocs];

			p[i] = (struct qr_tree_proc) { z->pid, z->ppid, z->pgid, z->sid };
		}
		c->status_rd[i] = c->status_wr[i] = -1;
	}
	if (qr_tree_plan(p, n, &c->tree, &e)) {
		qr_error("restore: the image's process tree: %s", e.msg);
		goto out;
	}
	/* Sockets, not pipes: a process writes its report with MSG_NOSIGNAL,
	 * so that if quickreboot is gone (killed) the report is lost but no
	 * SIGPIPE waits for the process when it resumes. */
	for (size_t i = 0; i < n; i++) {
		int s[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s)) {
			qr_error("restore: socketpair: %s", strerror(errno));
			goto out;
		}
		c->status_rd[i] = s[0];
		c->status_wr[i] = s[1];
	}
	if (pipe2(go, O_CLOEXEC)) {
		qr_error("restore: pipe: %s", strerror(errno));
		goto out;
	}
	c->go_rd = go[0];
	c->go_wr = go[1];
	rc = 0;
out:
	free(p);
	return rc;
}

void qr_restore_ctx_free(struct qr_restore_ctx *c)
{
	for (size_t i = 0; c->status_rd && i < c->tree.n; i++) {
		if (c->status_rd[i] >= 0)
			close(c->status_rd[i]);
		if (c->status_wr[i] >= 0)
			close(c->status_wr[i]);
	}
	if (c->go_rd >= 0)
		close(c->go_rd);
	if (c->go_wr >= 0)
		close(c->go_wr);
	free(c->status_rd);
	free(c->status_wr);
	free(c->earlier);
	qr_files_close(&c->files);
	qr_shmem_close(&c->shm);
	qr_sysv_close(&c->sysv);
	qr_mntns_close(&c->mntns);
	qr_premaps_free(&c->premap);
	qr_tree_free(&c->tree);
	memset(c, 0, sizeof(*c));
}

bool qr_restore_made(const struct qr_restore_ctx *c, size_t i)
{
	return c->earlier && c->earlier[i];
}

uint32_t qr_restore_pid(const struct qr_restore_ctx *c, size_t i)
{
	return i < c->img->nprocs ? c->img->procs[i].p.pid :
		c->img->zombies[i - c->img->nprocs].pid;
}

const char *qr_restore_comm(const struct qr_restore_ctx *c, size_t i)
{
	return i < c->img->nprocs ? c->img->procs[i].p.comm :
		c->img->zombies[i - c->img->nprocs].comm;
}

static int set_identity(uint32_t pgid, int action)
{
	switch (action) {
	case QR_TREE_SETSID:
		return setsid() < 0 ? -1 : 0;
	case QR_TREE_NEWGROUP:
		return setpgid(0, 0);
	case QR_TREE_JOIN:
	case QR_TREE_HELPED:
		return setpgid(0, pgid);
	default:
		return 0;
	}
}

/* A zombie: reports, then ends as it had ended (without the core dump:
 * the Old kernel wrote it, if any). Raw system calls: glibc's wrappers
 * refuse signals 32 and 33, which it keeps for itself. */
static void __attribute__((noreturn)) end_as(const struct qri_zombie *z,
					     int status_fd)
{
	static const unsigned char ok[2] = { QR_RST_OK, 0 };
	uint64_t dfl[4] = { 0 }, set;
	struct rlimit none = { 0, 0 };
	int sig = z->status & 0x7f;

	prctl(PR_SET_NAME, z->comm);
	if (send(status_fd, ok, sizeof(ok), MSG_NOSIGNAL) != sizeof(ok) || !sig)
		_exit(z->status >> 8);
	setrlimit(RLIMIT_CORE, &none);
	set = 1ull << (sig - 1);
	syscall(SYS_rt_sigaction, sig, dfl, NULL, sizeof(set));
	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof(set));
	kill(getpid(), sig);
	_exit(1);
}

/* A helper with PID pgid leading a new group of this session, until it
 * is killed: its pid, or -1 having printed why. */
static pid_t group_helper(uint32_t pgid)
{
	pid_t want = pgid, got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	int made[2];
	ssize_t n;
	char byte;

	if (pipe2(made, O_CLOEXEC)) {
		qr_error("restore: group %u: pipe: %s", pgid, strerror(errno));
		return -1;
	}
	got = syscall(SYS_clone3, &ca, sizeof(ca));
	if (got == 0) {
		if (setpgid(0, 0) || write(made[1], "", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(made[1]);
	if (got < 0) {
		qr_error("restore: group %u, whose leader had exited: a helper with its PID: %s",
			 pgid, strerror(errno));
		close(made[0]);
		return -1;
	}
	do
		n = read(made[0], &byte, 1);
	while (n < 0 && errno == EINTR);
	close(made[0]);
	if (n == 1)
		return got;
	qr_error("restore: group %u, whose leader had exited: its helper could not make it",
		 pgid);
	waitpid(got, NULL, 0);
	return -1;
}

/* Child j of this process, with the helper its group needs meanwhile:
 * once j is in the group, the helper ends and is reaped here, before
 * this process runs again. */
static void spawn_child(struct qr_restore_ctx *c, size_t j)
{
	pid_t helper;

	if (c->tree.action[j] != QR_TREE_HELPED) {
		qr_restore_spawn(c, j);
		return;
	}
	helper = group_helper(j < c->img->nprocs ? c->img->procs[j].p.pgid :
			      c->img->zombies[j - c->img->nprocs].pgid);
	if (helper < 0)
		return;
	qr_restore_spawn(c, j);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
}

/* The children of i made before (early) or after its own session and
 * group, in the planned order. */
static void spawn_children(struct qr_restore_ctx *c, size_t i, bool early)
{
	for (size_t k = 0; k < c->tree.n; k++) {
		size_t j = c->tree.order[k];

		if (c->tree.parent[j] == (long)i && (bool)c->tree.early[j] == early &&
		    !qr_restore_made(c, j))
			spawn_child(c, j);
	}
}

/* In the new process: session and group, the subtree, then the rest. */
static void __attribute__((noreturn))
restore_child(struct qr_restore_ctx *c, size_t i, int ready_fd)
{
	const struct qri_image *img = c->img;
	const struct qri_zombie *z = i < img->nprocs ? NULL :
		&img->zombies[i - img->nprocs];
	uint32_t pgid = z ? z->pgid : img->procs[i].p.pgid;
	uint32_t pid = qr_restore_pid(c, i);
	int tty = -1;

	/* Before the children, which share its pages. */
	if (!z && qr_premap_make(img, &c->tree, i, c->dir, &c->premap))
		_exit(1);
	/* Those left in the session this process leaves next. */
	spawn_children(c, i, true);
	if (set_identity(pgid, c->tree.action[i])) {
		qr_error("restore: pid %u: session or group %u: %s",
			 pid, pgid, strerror(errno));
		_exit(1);
	}
	/* Before the children, which inherit it. */
	if (!z && c->tree.action[i] == QR_TREE_SETSID &&
	    qr_pty_ctty_take(&c->files, pid, &tty))
		_exit(1);
	spawn_children(c, i, false);
	/* The session's groups are all made: they are in its subtree. */
	if (tty >= 0 && qr_pty_ctty_fg(&c->files, pid, tty))
		_exit(1);
	if (write(ready_fd, "", 1) != 1)
		_exit(1);
	close(ready_fd);
	if (z)
		end_as(z, c->status_wr[i]);
	if (qr_sysv_proc_check(&c->sysv, img, &img->procs[i]))
		_exit(1);
	qr_restore_become(&img->procs[i], c->dir, &c->files, &c->shm,
			  &c->mntns, &c->premap, c->status_wr[i], c->go_rd);
	_exit(1);
}

pid_t qr_restore_spawn(struct qr_restore_ctx *c, size_t i)
{
	pid_t want = qr_restore_pid(c, i), got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	char byte;
	int r[2];
	ssize_t n;

	if (pipe2(r, O_CLOEXEC)) {
		qr_error("restore: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	got = syscall(SYS_clone3, &ca, sizeof(ca));
	if (got == 0) {
		close(r[0]);
		restore_child(c, i, r[1]);
	}
	close(r[1]);
	if (got < 0) {
		qr_error("restore: pid %u (%s): cannot have its PID: %s",
			 qr_restore_pid(c, i), qr_restore_comm(c, i), strerror(errno));
		close(r[0]);
		return -1;
	}
	do
		n = read(r[0], &byte, 1);
	while (n < 0 && errno == EINTR);
	close(r[0]);
	if (n == 1) {
		siginfo_t si;

		/* Dead before its parent goes on: its SIGCHLD, sent while
		 * this process still ignores it, is not kept; the one the
		 * Old kernel sent is in the image if it was pending. */
		if (i >= c->img->nprocs)
			waitid(P_PID, got, &si, WEXITED | WNOWAIT);
		return got;
	}
	/* It died before its subtree was there: reaped here, by its parent. */
	waitpid(got, NULL, 0);
	return -1;
}
