/* System V IPC of the kept processes, from /proc/sysvipc and the IPC
 * calls (the processes are in init's IPC namespace: check refuses any
 * other). Which objects are the kept processes': a segment they attach
 * (every attach of it theirs: one held outside is refused by name), and a
 * segment, semaphore set or queue that no live process outside the set
 * used last (cpid/lpid, sempid, lspid/lrpid); one the kept processes and
 * a live outsider both use is refused by name, one only outsiders use is
 * left. Each kept process's SEM_UNDO adjustments are read from pfncheck
 * after the freeze (checkpoint/semundo.c), for the sets carried here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "checkpoint/maps.h"
#include "fds/kind.h"
#include "lib/exit.h"

/* The semaphore sets the last capture carried, for checkpoint/semundo.c. */
static struct qri_sysv_sem *carried_sems;
static size_t ncarried_sems;

const struct qri_sysv_sem *qr_sysv_sem_carried(uint32_t id)
{
	for (size_t i = 0; i < ncarried_sems; i++)
		if (carried_sems[i].id == id)
			return &carried_sems[i];
	return NULL;
}

static int note_carried(const struct qri_sysv_sem *s)
{
	struct qri_sysv_sem *grown = realloc(carried_sems, (ncarried_sems + 1) *
					     sizeof(*grown));

	if (!grown)
		return -1;
	carried_sems = grown;
	carried_sems[ncarried_sems++] = *s;
	return 0;
}

struct kept {
	const pid_t *pids;
	int n;
	bool say;	/* check: what is carried, said */
};

static bool is_kept(const struct kept *k, long pid)
{
	for (int i = 0; i < k->n; i++)
		if (k->pids[i] == pid)
			return true;
	return false;
}

/* A live process outside the kept set. */
static bool outsider(const struct kept *k, long pid)
{
	return pid > 0 && !is_kept(k, pid) && (!kill(pid, 0) || errno == EPERM);
}

/* Who used it: 1 kept processes only, 0 nobody alive, -1 only
 * outsiders, 2 both (*who: an outsider). */
static int users(const struct kept *k, const long *pids, int n, long *who)
{
	bool in = false, out = false;

	for (int i = 0; i < n; i++) {
		if (is_kept(k, pids[i]))
			in = true;
		else if (outsider(k, pids[i])) {
			out = true;
			*who = pids[i];
		}
	}
	return in && out ? 2 : in ? 1 : out ? -1 : 0;
}

/* The record naming the kept processes among pids (the object's last
 * users), for restore to fail only them if it cannot be made. */
static void add_users(struct qri_writer *w, const struct kept *k,
		      uint32_t kind, uint32_t id, const long *pids, int n)
{
	uint32_t *in = calloc(n + 1, sizeof(*in));
	struct qri_sysv_users u = { .kind = kind, .id = id };

	for (int i = 0; in && i < n; i++) {
		bool seen = false;

		for (uint32_t j = 0; j < u.count; j++)
			seen |= in[j] == (uint32_t)pids[i];
		if (!seen && is_kept(k, pids[i]))
			in[u.count++] = (uint32_t)pids[i];
	}
	if (u.count)
		qri_add_raw(w, QRI_SYSV_USERS, 0, &u, sizeof(u), in,
			    u.count * sizeof(*in));
	free(in);
}

/* Whether the kept set carries the object (what, id, key) that pids
 * used: not one only outsiders use, nor one both use (refused, printed,
 * counted in *refused). */
static bool carried(const struct kept *k, const long *pids, int n,
		    const char *what, int id, int key, int *refused)
{
	long who = 0;
	int u = users(k, pids, n, &who);

	if (u == 2) {
		qr_error("System V %s %d (key 0x%08x): used by process %ld, outside the kept set, too: not carried",
			 what, id, key, who);
		(*refused)++;
	}
	return u >= 0 && u != 2;
}

/* The kept processes' attaches of segment id: how many, their bytes, one
 * process and area (for reading it), the key its map name shows. */
struct attaches {
	unsigned long count;
	uint64_t bytes;
	pid_t pid;
	uint64_t start, end;
	int key;
};

static void find_attaches(const struct kept *k, int id, struct attaches *a)
{
	char path[64], *line = NULL;
	size_t cap = 0;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < k->n; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/maps", k->pids[i]);
		f = fopen(path, "re");
		while (f && getline(&line, &cap, f) > 0) {
			struct qr_map m;
			unsigned int key;

			if (qr_maps_line(line, &m, NULL) || m.inode != (uint64_t)id ||
			    sscanf(m.name, "/SYSV%8x", &key) != 1 || !m.shared)
				continue;
			a->bytes += m.end - m.start;
			if (m.offset)
				continue;
			a->count++;
			a->pid = k->pids[i];
			a->start = m.start;
			a->end = m.end;
			a->key = (int)key;
		}
		if (f)
			fclose(f);
	}
	free(line);
}

/* The segment's contents into the pages file: through a kept process's
 * attach (nothing about the segment changes), else attached here. */
static int save_segment(struct qr_pages *pg, const struct attaches *a, int id,
			uint64_t size)
{
	uint8_t *buf = malloc(1 << 20);
	char path[96];
	void *p = NULL;
	int fd, rc;

	if (a->count)
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", a->pid,
			 (unsigned long long)a->start, (unsigned long long)a->end);
	else {
		p = shmat(id, NULL, SHM_RDONLY);
		if (p == (void *)-1)
			p = NULL;
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
			 (unsigned long)p, (unsigned long)p + ((size + 4095) & ~4095ul));
	}
	fd = buf && (a->count || p) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (p)
		shmdt(p);
	if (fd < 0) {
		qr_error("System V shared memory segment %d: cannot read it: %s", id,
			 strerror(errno));
		free(buf);
		return -1;
	}
	rc = qr_pages_copy(fd, pg, 0, (size + 4095) & ~4095ull, buf);
	close(fd);
	free(buf);
	return rc;
}

/* /proc/sysvipc/NAME's lines after its header, one by one. */
static FILE *table(const char *name)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	f = fopen(path, "re");
	if (f && getline(&line, &cap, f) < 0) {
		fclose(f);
		f = NULL;
	}
	free(line);
	return f;
}

static int shms(struct qri_writer *w, struct qr_pages *pg, const struct kept *k)
{
	char *line = NULL;
	size_t cap = 0;
	int refused = 0;
	FILE *f = table("shm");

	while (f && getline(&line, &cap, f) > 0) {
		struct qri_sysv_shm s = { .pages_offset = 0 };
		unsigned long long size;
		unsigned long nattch;
		struct attaches a;
		long pids[2], who = 0;
		int key, id, u;

		if (sscanf(line, "%d %d %o %llu %ld %ld %lu %u %u %u %u", &key, &id,
			   &s.mode, &size, &pids[0], &pids[1], &nattch, &s.uid,
			   &s.gid, &s.cuid, &s.cgid) != 11)
			continue;
		find_attaches(k, id, &a);
		u = a.count ? 1 : nattch ? -1 : users(k, pids, 2, &who);
		if (u < 0 || !u)
			continue;
		if (nattch > a.count) {
			qr_error("System V shared memory segment %d (key 0x%08x): attached %lu times, %lu of them by the kept processes: also attached outside the kept set: not carried",
				 id, key, nattch, a.count);
			refused++;
			continue;
		}
		if (a.bytes != a.count * ((size + 4095) & ~4095ull)) {
			qr_error("System V shared memory segment %d (key 0x%08x): attached in part (unmapped or remapped pieces): not carried",
				 id, key);
			refused++;
			continue;
		}
		if (!w) {
			if (k->say)
				printf("System V shared memory segment %d (key 0x%08x, %llu bytes): carried, copied once (no zero copy yet)\n",
				       id, key, size);
			continue;
		}
		s.key = s.mode & QRI_SHM_DEST && a.count ? a.key : key;
		s.id = id;
		s.mode &= 0777 | QRI_SHM_DEST | QRI_SHM_LOCKED;
		s.size = size;
		s.pages_offset = pg->off;
		if (save_segment(pg, &a, id, size)) {
			refused = -1;
			break;
		}
		qri_add_raw(w, QRI_SYSV_SHM, 0, &s, sizeof(s), NULL, 0);
		add_users(w, k, QRI_SYSV_KIND_SHM, id, pids, 2);
	}
	free(line);
	if (f)
		fclose(f);
	return refused;
}

static int sems(struct qri_writer *w, const struct kept *k)
{
	char *line = NULL;
	size_t cap = 0;
	int refused = 0;
	FILE *f = table("sem");

	while (f && getline(&line, &cap, f) > 0) {
		struct qri_sysv_sem s;
		unsigned short *v = NULL;
		uint32_t *vals = NULL;
		long *pids;
		int key, id;
		bool ours;

		if (sscanf(line, "%d %d %o %u %u %u %u %u", &key, &id, &s.mode,
			   &s.nsems, &s.uid, &s.gid, &s.cuid, &s.cgid) != 8 ||
		    !s.nsems || s.nsems > QRI_SEM_MAX)
			continue;
		pids = calloc(s.nsems, sizeof(*pids));
		for (uint32_t i = 0; pids && i < s.nsems; i++)
			pids[i] = semctl(id, i, GETPID);
		ours = !pids || carried(k, pids, s.nsems, "semaphore set", id,
					key, &refused);
		if (!ours || !w) {
			free(pids);
			if (!ours)
				continue;
			if (k->say)
				printf("System V semaphore set %d (key 0x%08x): carried with its values and the kept processes' SEM_UNDO adjustments\n",
				       id, key);
			continue;
		}
		s.key = key;
		s.id = id;
		s.mode &= 0777;
		v = calloc(s.nsems, sizeof(*v));
		vals = calloc(s.nsems, sizeof(*vals));
		if (!v || !vals || semctl(id, 0, GETALL, v) || note_carried(&s)) {
			qr_error("System V semaphore set %d: %s", id, strerror(errno));
			free(v);
			free(vals);
			free(pids);
			refused = -1;
			break;
		}
		for (uint32_t i = 0; i < s.nsems; i++)
			vals[i] = v[i];
		qri_add_raw(w, QRI_SYSV_SEM, 0, &s, sizeof(s), vals,
			    s.nsems * sizeof(*vals));
		add_users(w, k, QRI_SYSV_KIND_SEM, id, pids, pids ? (int)s.nsems : 0);
		free(pids);
		free(v);
		free(vals);
	}
	free(line);
	if (f)
		fclose(f);
	return refused;
}

/* The queue's messages, oldest first, copied (MSG_COPY: the queue stays
 * as it is), as the record's tail; -1 having printed why. */
static int messages(int id, unsigned long qnum, struct qr_strbuf *d)
{
	size_t max = QRI_MSG_LEN;
	struct { long type; char text[QRI_MSG_LEN]; } *m = malloc(sizeof(*m));

	for (unsigned long i = 0; m && i < qnum; i++) {
		ssize_t n = msgrcv(id, m, max, i, IPC_NOWAIT | MSG_COPY | MSG_NOERROR);
		struct qri_sysv_msg_item it;
		static const uint8_t zero[8];

		if (n < 0) {
			qr_error("System V message queue %d: message %lu: %s (MSG_COPY needs CONFIG_CHECKPOINT_RESTORE)",
				 id, i, strerror(errno));
			free(m);
			return -1;
		}
		it = (struct qri_sysv_msg_item){ m->type, n };
		qr_strbuf_add(d, &it, sizeof(it));
		qr_strbuf_add(d, m->text, n);
		qr_strbuf_add(d, zero, (8 - n % 8) % 8);
	}
	free(m);
	return m ? 0 : -1;
}

static int msgs(struct qri_writer *w, const struct kept *k)
{
	char *line = NULL;
	size_t cap = 0;
	int refused = 0;
	FILE *f = table("msg");

	while (f && getline(&line, &cap, f) > 0) {
		struct qri_sysv_msg q = { .key = 0 };
		struct qr_strbuf d = { 0 };
		unsigned long cbytes, qnum;
		struct msqid_ds ds;
		long pids[2];
		int key, id;

		if (sscanf(line, "%d %d %o %lu %lu %ld %ld %u %u %u %u", &key, &id,
			   &q.mode, &cbytes, &qnum, &pids[0], &pids[1], &q.uid,
			   &q.gid, &q.cuid, &q.cgid) != 11)
			continue;
		if (!carried(k, pids, 2, "message queue", id, key, &refused))
			continue;
		if (!w) {
			if (k->say)
				printf("System V message queue %d (key 0x%08x): carried with its %lu message(s)\n",
				       id, key, qnum);
			continue;
		}
		if (msgctl(id, IPC_STAT, &ds) || messages(id, qnum, &d) || d.oom) {
			if (errno)
				qr_error("System V message queue %d: %s", id, strerror(errno));
			free(d.s);
			refused = -1;
			break;
		}
		q.key = key;
		q.id = id;
		q.mode &= 0777;
		q.nmsgs = qnum;
		q.qbytes = ds.msg_qbytes;
		qri_add_raw(w, QRI_SYSV_MSG, 0, &q, sizeof(q), d.s, d.len);
		add_users(w, k, QRI_SYSV_KIND_MSG, id, pids, 2);
		free(d.s);
	}
	free(line);
	if (f)
		fclose(f);
	return refused;
}

int qr_sysv_capture(struct qri_writer *w, struct qr_pages *pg,
		    const pid_t *pids, int n, bool say)
{
	struct kept k = { pids, n, say };
	int a, b, c;

	free(carried_sems);
	carried_sems = NULL;
	ncarried_sems = 0;
	a = shms(w, pg, &k);

	if (a < 0)
		return -1;
	b = sems(w, &k);
	if (b < 0)
		return -1;
	c = msgs(w, &k);
	return c < 0 ? -1 : a + b + c;
}
