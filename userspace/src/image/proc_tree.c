/* See proc_tree.h. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image/proc_tree.h"

struct plan {
	const struct qr_tree_proc *p;
	size_t n;
	size_t *by_pid;		/* indices sorted by pid */
	size_t *first_child, *next_sibling;	/* SIZE_MAX: none */
	uint8_t *rank;		/* 0: subtree holds a session leader, 1: a group leader, 2: neither */
	uint32_t *sim_sid, *sim_pgid;	/* as restored; 0: the restorer's */
	uint32_t *gone_pgid, *gone_sid;	/* groups made by a helper, in order */
	size_t ngone;
	struct qr_tree *t;
	struct qr_err *e;
};

static const struct qr_tree_proc *sort_base;

static int cmp_pid(const void *a, const void *b)
{
	uint32_t x = sort_base[*(const size_t *)a].pid;
	uint32_t y = sort_base[*(const size_t *)b].pid;

	return (x > y) - (x < y);
}

/* Index of the process with this pid, or -1. */
static long find(const struct plan *pl, uint32_t pid)
{
	size_t lo = 0, hi = pl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v = pl->p[pl->by_pid[mid]].pid;

		if (v == pid)
			return (long)pl->by_pid[mid];
		if (v < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Children lists, each sorted by (rank, pid): insertion into a list that
 * is kept sorted, in pid order of the children. */
static void link_children(struct plan *pl)
{
	for (size_t k = pl->n; k-- > 0;) {
		size_t i = pl->by_pid[k];
		long par = pl->t->parent[i];
		size_t *at;

		if (par < 0)
			continue;
		at = &pl->first_child[par];
		while (*at != SIZE_MAX && pl->rank[*at] < pl->rank[i])
			at = &pl->next_sibling[*at];
		pl->next_sibling[i] = *at;
		*at = i;
	}
}

/* rank of each subtree: children's ranks flow up to their ancestors. The
 * walk up stops at a loop (a hostile image), which the order finds. */
static void rank_subtrees(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		pl->rank[i] = 2;
	for (size_t i = 0; i < pl->n; i++) {
		uint8_t r = pl->p[i].sid == pl->p[i].pid ? 0 :
			pl->p[i].pgid == pl->p[i].pid ? 1 : 2;
		size_t steps = 0;

		for (long j = (long)i; j >= 0 && steps++ <= pl->n && pl->rank[j] > r;
		     j = pl->t->parent[j])
			pl->rank[j] = r;
	}
}

/* Roots in (rank, pid) order, then depth first, parents before children. */
static int make_order(struct plan *pl)
{
	size_t *stack = malloc((pl->n + 1) * sizeof(*stack)), sp = 0, out = 0;
	size_t roots = SIZE_MAX;

	if (!stack)
		return qr_err_set(pl->e, "out of memory");
	for (size_t k = pl->n; k-- > 0;) {
		size_t i = pl->by_pid[k], *at = &roots;

		if (pl->t->parent[i] >= 0)
			continue;
		while (*at != SIZE_MAX && pl->rank[*at] < pl->rank[i])
			at = &pl->next_sibling[*at];
		pl->next_sibling[i] = *at;
		*at = i;
	}
	if (roots != SIZE_MAX)
		stack[sp++] = roots;
	/* The stack holds the next sibling to visit at each depth. */
	while (sp) {
		size_t i = stack[--sp];

		pl->t->order[out++] = i;
		if (pl->next_sibling[i] != SIZE_MAX)
			stack[sp++] = pl->next_sibling[i];
		if (pl->first_child[i] != SIZE_MAX)
			stack[sp++] = pl->first_child[i];
	}
	free(stack);
	if (out < pl->n) {
		uint8_t *seen = calloc(pl->n, 1);
		size_t i = 0;

		if (!seen)
			return qr_err_set(pl->e, "out of memory");
		for (size_t k = 0; k < out; k++)
			seen[pl->t->order[k]] = 1;
		while (seen[i])
			i++;
		free(seen);
		return qr_err_set(pl->e, "process %" PRIu32 ": its parents form a loop",
				  pl->p[i].pid);
	}
	return 0;
}

static int place(struct plan *pl, size_t i, uint32_t *groups_sid, uint8_t *group_made)
{
	const struct qr_tree_proc *p = &pl->p[i];
	long par = pl->t->parent[i];
	long gp = par < 0 ? -1 : pl->t->parent[par];
	/* Made by its parent before the parent's setsid(): it stayed in
	 * the session (and group) its parent left. */
	bool early = gp >= 0 && p->sid != p->pid &&
		pl->t->action[par] == QR_TREE_SETSID &&
		p->sid != pl->p[par].sid && p->sid == pl->p[gp].sid;
	long from = early ? gp : par;	/* whose session and group it gets */
	uint32_t sid = from < 0 ? 0 : pl->sim_sid[from];
	uint32_t pgid = from < 0 ? 0 : pl->sim_pgid[from];
	long leader;

	if (p->sid == p->pid) {
		if (p->pgid != p->pid)
			return qr_err_set(pl->e, "process %" PRIu32 " leads session %" PRIu32 " but is in group %" PRIu32,
					  p->pid, p->sid, p->pgid);
		pl->t->action[i] = QR_TREE_SETSID;
		pl->sim_sid[i] = pl->sim_pgid[i] = p->pid;
		group_made[i] = 1;
		groups_sid[i] = p->pid;
		return 0;
	}
	if (par >= 0 ? p->sid != pl->p[par].sid && !early : find(pl, p->sid) >= 0)
		return qr_err_set(pl->e, "process %" PRIu32 ": session %" PRIu32 " is neither its own, its parent's, nor the one its parent left",
				  p->pid, p->sid);
	pl->t->early[i] = early;
	pl->sim_sid[i] = sid;
	pl->t->action[i] = QR_TREE_KEEP;
	if (p->pgid == p->pid) {
		pl->t->action[i] = QR_TREE_NEWGROUP;
		pgid = p->pid;
		group_made[i] = 1;
		groups_sid[i] = sid;
	} else if (from >= 0 && p->pgid == pl->p[from].pgid) {
		/* the parent's group, as restored */
	} else if ((leader = find(pl, p->pgid)) >= 0 && group_made[leader] &&
		   groups_sid[leader] == sid) {
		pl->t->action[i] = QR_TREE_JOIN;
		pgid = p->pgid;
	} else if (par >= 0 && leader < 0) {
		size_t g = 0;

		while (g < pl->ngone && pl->gone_pgid[g] != p->pgid)
			g++;
		if (g < pl->ngone && pl->gone_sid[g] != sid)
			return qr_err_set(pl->e, "process %" PRIu32 ": group %" PRIu32 " is in another session",
					  p->pid, p->pgid);
		pl->t->action[i] = g < pl->ngone ? QR_TREE_JOIN : QR_TREE_HELPED;
		if (g == pl->ngone) {
			pl->gone_pgid[g] = p->pgid;
			pl->gone_sid[pl->ngone++] = sid;
		}
		pgid = p->pgid;
	} else if (par >= 0 || leader >= 0) {
		return qr_err_set(pl->e, "process %" PRIu32 ": group %" PRIu32 " cannot be entered (its leader comes later, left it, or is in another session)",
				  p->pid, p->pgid);
	}
	pl->sim_pgid[i] = pgid;
	return 0;
}

int qr_tree_plan(const struct qr_tree_proc *p, size_t n, struct qr_tree *t,
		 struct qr_err *e)
{
	struct plan pl = { .p = p, .n = n, .t = t, .e = e };
	uint32_t *groups_sid = calloc(n + 1, sizeof(*groups_sid));
	uint8_t *group_made = calloc(n + 1, 1);
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->order = calloc(n + 1, sizeof(*t->order));
	t->parent = calloc(n + 1, sizeof(*t->parent));
	t->action = calloc(n + 1, 1);
	t->early = calloc(n + 1, 1);
	pl.by_pid = calloc(n + 1, sizeof(*pl.by_pid));
	pl.first_child = malloc((n + 1) * sizeof(size_t));
	pl.next_sibling = malloc((n + 1) * sizeof(size_t));
	pl.rank = calloc(n + 1, 1);
	pl.sim_sid = calloc(n + 1, sizeof(uint32_t));
	pl.sim_pgid = calloc(n + 1, sizeof(uint32_t));
	pl.gone_pgid = calloc(n + 1, sizeof(uint32_t));
	pl.gone_sid = calloc(n + 1, sizeof(uint32_t));
	if (!groups_sid || !group_made || !t->order || !t->parent || !t->action ||
	    !t->early ||
	    !pl.by_pid || !pl.first_child || !pl.next_sibling || !pl.rank ||
	    !pl.sim_sid || !pl.sim_pgid || !pl.gone_pgid || !pl.gone_sid) {
		qr_err_set(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pl.by_pid[i] = i;
		pl.first_child[i] = pl.next_sibling[i] = SIZE_MAX;
	}
	sort_base = p;
	qsort(pl.by_pid, n, sizeof(*pl.by_pid), cmp_pid);
	for (size_t k = 1; k < n; k++)
		if (p[pl.by_pid[k]].pid == p[pl.by_pid[k - 1]].pid) {
			qr_err_set(e, "process %" PRIu32 " is listed twice", p[pl.by_pid[k]].pid);
			goto out;
		}
	for (size_t i = 0; i < n; i++)
		t->parent[i] = p[i].ppid == p[i].pid ? -1 : find(&pl, p[i].ppid);
	rank_subtrees(&pl);
	link_children(&pl);
	if (make_order(&pl))
		goto out;
	for (size_t k = 0; k < n; k++)
		if (place(&pl, t->order[k], groups_sid, group_made))
			goto out;
	rc = 0;
out:
	free(groups_sid);
	free(group_made);
	free(pl.by_pid);
	free(pl.first_child);
	free(pl.next_sibling);
	free(pl.rank);
	free(pl.sim_sid);
	free(pl.sim_pgid);
	free(pl.gone_pgid);
	free(pl.gone_sid);
	if (rc)
		qr_tree_free(t);
	return rc;
}

void qr_tree_free(struct qr_tree *t)
{
	free(t->order);
	free(t->parent);
	free(t->action);
	free(t->early);
	memset(t, 0, sizeof(*t));
}
