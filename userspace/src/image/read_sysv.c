/* The image reader's System V IPC records (image/format.h, QRI_SYSV_*):
 * before any process, each id once per kind, bounds on every count and
 * length, since restore sizes its calls by them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image/read.h"

const struct qri_sysv_shm *qri_sysv_shm_of(const struct qri_image *img,
					   uint32_t id)
{
	for (size_t i = 0; i < img->nshms; i++)
		if (img->shms[i].id == id)
			return &img->shms[i];
	return NULL;
}

static const struct qri_sem_img *sem_of(const struct qri_image *img,
					uint32_t id)
{
	for (size_t i = 0; i < img->nsems; i++)
		if (img->sems[i].s.id == id)
			return &img->sems[i];
	return NULL;
}

/* Fields every kind has: an id, a mode, before the processes. */
static int common(struct qri_cursor *c, int type, uint32_t id, uint32_t mode,
		  uint32_t more_mode)
{
	if (c->img->nprocs)
		return BAD(c, type, "id %" PRIu32 " comes after a process", id);
	if (id > QRI_IPC_ID_MAX || mode & ~(0777u | more_mode))
		return BAD(c, type, "id %" PRIu32 " or mode 0%" PRIo32 " out of range",
			   id, mode);
	return 0;
}

int qri_read_sysv_shm(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left)
{
	struct qri_sysv_shm s, *slot;

	(void)tail;
	memcpy(&s, fixed, sizeof(s));
	if (common(c, QRI_SYSV_SHM, s.id, s.mode, QRI_SHM_DEST | QRI_SHM_LOCKED))
		return -1;
	if (left || qri_sysv_shm_of(c->img, s.id))
		return BAD(c, QRI_SYSV_SHM, "id %" PRIu32 " is listed twice, or the record is longer than it",
			   s.id);
	if (!s.size || s.size > QRI_USER_LIMIT || s.pages_offset & 4095 ||
	    s.pages_offset > QRI_USER_LIMIT * 64)
		return BAD(c, QRI_SYSV_SHM, "id %" PRIu32 ": size %" PRIu64 " or contents at %" PRIu64 " out of bounds",
			   s.id, s.size, s.pages_offset);
	slot = qri_grow((void **)&c->img->shms, &c->img->nshms, sizeof(*slot));
	if (!slot)
		return qr_err_set(c->e, "out of memory");
	*slot = s;
	return 0;
}

int qri_read_sysv_sem(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left)
{
	struct qri_sem_img *slot;
	struct qri_sysv_sem s;
	uint32_t *v;

	memcpy(&s, fixed, sizeof(s));
	if (common(c, QRI_SYSV_SEM, s.id, s.mode, 0))
		return -1;
	for (size_t i = 0; i < c->img->nsems; i++)
		if (c->img->sems[i].s.id == s.id)
			return BAD(c, QRI_SYSV_SEM, "id %" PRIu32 " is listed twice", s.id);
	if (!s.nsems || s.nsems > QRI_SEM_MAX || left != s.nsems * sizeof(*v))
		return BAD(c, QRI_SYSV_SEM, "id %" PRIu32 ": %" PRIu32 " values do not fill the record",
			   s.id, s.nsems);
	v = malloc(left);
	if (!v)
		return qr_err_set(c->e, "out of memory");
	memcpy(v, tail, left);
	for (uint32_t i = 0; i < s.nsems; i++)
		if (v[i] > QRI_SEM_VMAX) {
			uint32_t bad = v[i];

			free(v);
			return BAD(c, QRI_SYSV_SEM, "id %" PRIu32 ": value %" PRIu32 " above SEMVMX",
				   s.id, bad);
		}
	slot = qri_grow((void **)&c->img->sems, &c->img->nsems, sizeof(*slot));
	if (!slot) {
		free(v);
		return qr_err_set(c->e, "out of memory");
	}
	slot->s = s;
	slot->values = v;
	return 0;
}

/* The messages fill the tail exactly, each with a type and a length in
 * bounds, and fit in the queue. */
static bool bad_msgs(const struct qri_sysv_msg *q, const uint8_t *p,
		     size_t left)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < q->nmsgs; i++) {
		struct qri_sysv_msg_item m;
		uint64_t padded;

		if (left < sizeof(m))
			return true;
		memcpy(&m, p, sizeof(m));
		p += sizeof(m);
		left -= sizeof(m);
		padded = (m.len + 7) & ~7ull;
		if (m.type <= 0 || m.len > QRI_MSG_LEN || padded > left)
			return true;
		total += m.len;
		p += padded;
		left -= padded;
	}
	return left || total > q->qbytes;
}

int qri_read_sysv_msg(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left)
{
	struct qri_msg_img *slot;
	struct qri_sysv_msg q;
	uint8_t *m;
	size_t len;

	memcpy(&q, fixed, sizeof(q));
	if (common(c, QRI_SYSV_MSG, q.id, q.mode, 0))
		return -1;
	for (size_t i = 0; i < c->img->nmsgqs; i++)
		if (c->img->msgqs[i].q.id == q.id)
			return BAD(c, QRI_SYSV_MSG, "id %" PRIu32 " is listed twice", q.id);
	if (q.nmsgs > QRI_MSG_MAX || q.qbytes > QRI_MAX_FILE_DATA ||
	    bad_msgs(&q, tail, left))
		return BAD(c, QRI_SYSV_MSG, "id %" PRIu32 ": %" PRIu32 " messages do not fill the record, or overfill the queue",
			   q.id, q.nmsgs);
	len = left;
	if (qri_take_blob(c, QRI_SYSV_MSG, "messages", &tail, &left, len, &m))
		return -1;
	slot = qri_grow((void **)&c->img->msgqs, &c->img->nmsgqs, sizeof(*slot));
	if (!slot) {
		free(m);
		return qr_err_set(c->e, "out of memory");
	}
	slot->q = q;
	slot->msgs = m;
	slot->len = len;
	return 0;
}

static bool has_object(const struct qri_image *img, uint32_t kind,
		       uint32_t id)
{
	for (size_t i = 0; kind == QRI_SYSV_KIND_MSG && i < img->nmsgqs; i++)
		if (img->msgqs[i].q.id == id)
			return true;
	return (kind == QRI_SYSV_KIND_SHM && qri_sysv_shm_of(img, id)) ||
		(kind == QRI_SYSV_KIND_SEM && sem_of(img, id));
}

int qri_read_sysv_users(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left)
{
	struct qri_sysv_users_img *slot;
	struct qri_sysv_users u;
	uint32_t *pids;

	memcpy(&u, fixed, sizeof(u));
	if (common(c, QRI_SYSV_USERS, u.id, 0, 0))
		return -1;
	if (!has_object(c->img, u.kind, u.id))
		return BAD(c, QRI_SYSV_USERS, "kind %" PRIu32 " id %" PRIu32 " is not an object of the image",
			   u.kind, u.id);
	for (size_t i = 0; i < c->img->nsysv_users; i++)
		if (c->img->sysv_users[i].u.kind == u.kind &&
		    c->img->sysv_users[i].u.id == u.id)
			return BAD(c, QRI_SYSV_USERS, "kind %" PRIu32 " id %" PRIu32 " is listed twice",
				   u.kind, u.id);
	if (!u.count || u.count > QRI_SYSV_USERS_MAX || u.pad ||
	    (uint64_t)u.count * sizeof(*pids) != left)
		return BAD(c, QRI_SYSV_USERS, "id %" PRIu32 ": %" PRIu32 " users do not fill the record",
			   u.id, u.count);
	if (qri_take_blob(c, QRI_SYSV_USERS, "users", &tail, &left, left,
			  (uint8_t **)&pids))
		return -1;
	slot = qri_grow((void **)&c->img->sysv_users, &c->img->nsysv_users,
			sizeof(*slot));
	if (!slot) {
		free(pids);
		return qr_err_set(c->e, "out of memory");
	}
	slot->u = u;
	slot->pids = pids;
	return 0;
}

void qri_free_sysv(struct qri_image *img)
{
	for (size_t i = 0; i < img->nsysv_users; i++)
		free(img->sysv_users[i].pids);
	free(img->sysv_users);
	for (size_t i = 0; i < img->nsems; i++)
		free(img->sems[i].values);
	for (size_t i = 0; i < img->nmsgqs; i++)
		free(img->msgqs[i].msgs);
	free(img->shms);
	free(img->sems);
	free(img->msgqs);
}

/* Each adjustment of a set of the image, on one of its semaphores, in
 * order (so each once), non-zero and within what the kernel keeps. */
static int check_adj(struct qri_cursor *c, uint32_t pid,
		     const struct qri_sem_adj *prev, const struct qri_sem_adj *a)
{
	const struct qri_sem_img *s = sem_of(c->img, a->semid);

	if (prev && (a->semid < prev->semid ||
		     (a->semid == prev->semid && a->semnum <= prev->semnum)))
		return BAD(c, QRI_SEM_UNDO, "pid %" PRIu32 ": set %" PRIu32 " semaphore %u out of order",
			   pid, a->semid, a->semnum);
	if (!s || a->semnum >= s->s.nsems)
		return BAD(c, QRI_SEM_UNDO, "pid %" PRIu32 ": set %" PRIu32 " semaphore %u is not in the image",
			   pid, a->semid, a->semnum);
	if (!a->adj || a->adj < -QRI_SEM_VMAX)
		return BAD(c, QRI_SEM_UNDO, "pid %" PRIu32 ": set %" PRIu32 " semaphore %u: adjustment %d out of range",
			   pid, a->semid, a->semnum, a->adj);
	return 0;
}

int qri_read_sem_undo(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left)
{
	struct qri_sem_adj a, prev;
	struct qri_proc_img *pr;
	struct qri_sem_undo h;

	memcpy(&h, fixed, sizeof(h));
	if (qri_owner(c, QRI_SEM_UNDO, h.pid, &pr))
		return -1;
	if (pr->semadj)
		return BAD(c, QRI_SEM_UNDO, "pid %" PRIu32 " has a second one", h.pid);
	if (!h.count || h.count > QRI_SEM_UNDO_MAX ||
	    (uint64_t)h.count * sizeof(a) != left)
		return BAD(c, QRI_SEM_UNDO, "pid %" PRIu32 ": %" PRIu32 " adjustments do not fill the record",
			   h.pid, h.count);
	for (uint32_t i = 0; i < h.count; i++) {
		memcpy(&a, tail + i * sizeof(a), sizeof(a));
		if (check_adj(c, h.pid, i ? &prev : NULL, &a))
			return -1;
		prev = a;
	}
	if (qri_take_blob(c, QRI_SEM_UNDO, "adjustments", &tail, &left, left,
			  (uint8_t **)&pr->semadj))
		return -1;
	pr->nsemadj = h.count;
	return 0;
}
