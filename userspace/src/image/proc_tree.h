/* The process tree of a checkpoint: in which order the processes are
 * created at restore, by whom, and what each does to get its session and
 * process group back. Pure: no I/O; checkpoint and check run it on what
 * /proc says (so that a tree restore could not rebuild is refused before
 * anything is frozen), restore on the image.
 *
 * Restore creates the processes one at a time, in the order planned here:
 * a process is created by its restored parent (clone3 with its PID), sets
 * its session and group, then creates its children, each with its whole
 * subtree, before the next. A process whose parent is not in the set (a
 * root) is created by `quickreboot restore`, and its parent becomes init
 * (or the nearest child subreaper) when restore exits. Sessions and groups
 * are what a process gets by fork, setsid() or setpgid():
 *  - a session leader (sid == pid) calls setsid(); it must lead its group;
 *  - any other process is in its parent's session, or in the one its
 *    parent left by setsid() after making it (made before the parent's
 *    setsid(), with the group the parent had then); a root whose session
 *    leader is not in the set stays in the restorer's session;
 *  - a group leader (pgid == pid) calls setpgid(0, 0); a process in its
 *    parent's group stays there; one in another group joins it, which must
 *    have been created before in the same session (children are created
 *    subtrees holding session leaders first, then group leaders, then the
 *    others, so that leaders come before the members of other subtrees);
 *    a root whose group leader is not in the set stays in the restorer's.
 * A group whose leader is not in the set (it exited, the group lives on in
 * its members) is made by a helper (QR_TREE_HELPED) for its first member
 * that is not a root; the others join it.
 * Anything else (e.g. a process whose session leader left it for another
 * session) is refused, naming the process. */
#ifndef QR_PROC_TREE_H
#define QR_PROC_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct qr_tree_proc {
	uint32_t pid, ppid, pgid, sid;
};

enum qr_tree_action {
	QR_TREE_KEEP,		/* session and group as inherited */
	QR_TREE_SETSID,		/* setsid() */
	QR_TREE_NEWGROUP,	/* setpgid(0, 0) */
	QR_TREE_JOIN,		/* setpgid(0, pgid) */
	/* The group's leader exited (a shell pipeline's first command): the
	 * parent first makes a helper with PID pgid that makes the group,
	 * then this process joins it, then the helper ends, reaped by the
	 * parent; the group lives on in its members. */
	QR_TREE_HELPED,
};

struct qr_tree {
	size_t n;
	size_t *order;		/* indices in creation order */
	long *parent;		/* index of the parent; -1: a root */
	uint8_t *action;	/* enum qr_tree_action, per index */
	/* Per index: made by its parent before the parent calls setsid()
	 * (its session is the one the parent left). */
	uint8_t *early;
};

/* p[0..n): pids distinct and non-zero. Returns -1 with the reason in e
 * (and t empty) if restore could not rebuild the arrangement. */
int qr_tree_plan(const struct qr_tree_proc *p, size_t n, struct qr_tree *t,
		 struct qr_err *e);
void qr_tree_free(struct qr_tree *t);

#endif
