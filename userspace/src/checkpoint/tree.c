/* See checkpoint/tree.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/stat.h"
#include "checkpoint/tree.h"
#include "lib/exit.h"
#include "image/proc_tree.h"
#include "lib/readfile.h"

struct entry {
	pid_t pid;
	struct qr_stat st;
};

/* Every process /proc shows now; one that vanishes meanwhile is left out. */
static int list_all(struct entry **out, size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		qr_error("/proc: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char path[300], *text;
		struct qr_err e;
		struct entry en;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		en.pid = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		text = qr_read_file(path, 4096);
		if (!text)
			continue;
		if (qr_stat_parse(text, &en.st, &e)) {
			free(text);
			continue;
		}
		free(text);
		if (*n == cap) {
			struct entry *m = realloc(*out, (cap = cap * 2 + 64) * sizeof(*m));

			if (!m) {
				qr_error("/proc: out of memory");
				free(*out);
				*out = NULL;
				closedir(d);
				return -1;
			}
			*out = m;
		}
		(*out)[(*n)++] = en;
	}
	closedir(d);
	return 0;
}

/* Exited, not reaped. A leader that left by pthread_exit() shows Z too,
 * while its other threads run on: its process is alive. */
static int zombie(const struct entry *en)
{
	return en->st.state == 'Z' && en->st.nthreads <= 1;
}

static const struct entry *lookup(const struct entry *all, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (all[i].pid == pid)
			return &all[i];
	return NULL;
}

static int taken(const struct qr_subtree *st, pid_t pid)
{
	for (int i = 0; i < st->n; i++)
		if (st->pids[i] == pid)
			return 1;
	return 0;
}

static int zombie_taken(const struct qr_subtree *st, pid_t pid)
{
	for (int i = 0; i < st->nzombies; i++)
		if ((pid_t)st->zombies[i].pid == pid)
			return 1;
	return 0;
}

/* A zombie keeps its ids and exit status; its name is for messages. */
static void add_zombie(struct qr_subtree *st, const struct entry *en)
{
	struct qri_zombie *z = &st->zombies[st->nzombies++];
	char path[64], *comm;

	*z = (struct qri_zombie) { .pid = en->pid, .ppid = en->st.ppid,
		.pgid = en->st.pgid, .sid = en->st.sid,
		.status = en->st.exit_code };
	snprintf(path, sizeof(path), "/proc/%d/comm", en->pid);
	comm = qr_read_file(path, 64);
	if (comm) {
		comm[strcspn(comm, "\n")] = '\0';
		strncpy(z->comm, comm, sizeof(z->comm) - 1);
		free(comm);
	}
}

static int add(struct qr_subtree *st, pid_t pid, pid_t ppid, size_t cap)
{
	if ((size_t)st->n >= cap || taken(st, pid) || zombie_taken(st, pid))
		return 0;
	st->pids[st->n] = pid;
	st->ppids[st->n++] = ppid;
	return 1;
}

/* Sessions and groups as restore would rebuild them. */
static int check_arrangement(const struct qr_subtree *st, const struct entry *all,
			     size_t n)
{
	struct qr_tree_proc *p = calloc(st->n + st->nzombies + 1, sizeof(*p));
	struct qr_tree t;
	struct qr_err e;
	int bad = 0;

	if (!p)
		return 1;
	for (int i = 0; i < st->n; i++) {
		const struct entry *en = lookup(all, n, st->pids[i]);

		p[i] = (struct qr_tree_proc) { .pid = st->pids[i],
			.ppid = en ? en->st.ppid : 0, .pgid = en ? en->st.pgid : 0,
			.sid = en ? en->st.sid : 0 };
	}
	for (int i = 0; i < st->nzombies; i++) {
		const struct qri_zombie *z = &st->zombies[i];

		p[st->n + i] = (struct qr_tree_proc) { z->pid, z->ppid, z->pgid, z->sid };
	}
	if (qr_tree_plan(p, st->n + st->nzombies, &t, &e)) {
		qr_error("%s: restore could not rebuild this tree", e.msg);
		bad = 1;
	}
	qr_tree_free(&t);
	free(p);
	return bad;
}

int qr_subtree_find(const pid_t *roots, int nroots, struct qr_subtree *st)
{
	struct entry *all;
	size_t n, cap;
	int refused = 0;

	memset(st, 0, sizeof(*st));
	if (list_all(&all, &n))
		return -1;
	cap = n + (size_t)nroots;
	st->pids = calloc(cap, sizeof(*st->pids));
	st->ppids = calloc(cap, sizeof(*st->ppids));
	st->zombies = calloc(cap, sizeof(*st->zombies));
	if (!st->pids || !st->ppids || !st->zombies) {
		free(all);
		return -1;
	}
	for (int i = 0; i < nroots; i++) {
		const struct entry *en = lookup(all, n, roots[i]);

		add(st, roots[i], en ? (pid_t)en->st.ppid : 0, cap);
	}
	st->nroots = st->n;
	/* Breadth first: st->pids grows as it is walked. */
	for (int k = 0; k < st->n; k++)
		for (size_t i = 0; i < n; i++) {
			if ((pid_t)all[i].st.ppid != st->pids[k])
				continue;
			if (zombie(&all[i]))
				add_zombie(st, &all[i]);
			else
				add(st, all[i].pid, st->pids[k], cap);
		}
	for (int k = st->nroots; k < st->n; k++)
		if (st->pids[k] == getpid()) {
			qr_error("process %d (child of %d): quickreboot itself is a descendant: not carried",
				 st->pids[k], st->ppids[k]);
			refused++;
		}
	for (int k = 0; k < st->nroots; k++) {
		const struct entry *en = lookup(all, n, st->pids[k]);

		if (en && zombie(en)) {
			qr_error("process %d: exited (a zombie): nothing to carry",
				 st->pids[k]);
			refused++;
		}
	}
	if (!refused)
		refused += check_arrangement(st, all, n);
	free(all);
	return refused;
}

void qr_subtree_free(struct qr_subtree *st)
{
	free(st->pids);
	free(st->ppids);
	free(st->zombies);
	memset(st, 0, sizeof(*st));
}

int qr_subtree_same(const struct qr_subtree *a, const struct qr_subtree *b)
{
	if (a->n != b->n || a->nzombies != b->nzombies)
		return 0;
	for (int i = 0; i < a->n; i++)
		if (!taken(b, a->pids[i]))
			return 0;
	for (int i = 0; i < a->nzombies; i++)
		if (!zombie_taken(b, a->zombies[i].pid))
			return 0;
	return 1;
}
