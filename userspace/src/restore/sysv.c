/* See restore/sysv.h. An id is chosen by writing it to
 * /proc/sys/kernel/{shm,sem,msg}_next_id before the creating call (the
 * kernel takes the next free id from there: a different one means it was
 * taken); the creator (cuid/cgid) is who made the call, so it is made
 * with those effective ids; owner and mode after, with IPC_SET. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "lib/exit.h"
#include "restore/sysv.h"

static int next_id(const char *kind, uint32_t id)
{
	char path[64], v[16];
	int fd, n, rc;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s_next_id", kind);
	n = snprintf(v, sizeof(v), "%u", id);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	rc = fd < 0 || write(fd, v, n) != n ? -1 : 0;
	if (fd >= 0)
		close(fd);
	if (rc)
		qr_error("restore: %s: %s", path, strerror(errno));
	return rc;
}

/* The calling thread as the creator for one call; back to root after. */
static int as_creator(uint32_t cuid, uint32_t cgid)
{
	return setresgid(-1, cgid, -1) || setresuid(-1, cuid, -1) ? -1 : 0;
}

static void as_root(void)
{
	if (setresuid(-1, 0, -1) || setresgid(-1, 0, -1))
		qr_error("restore: back to root: %s", strerror(errno));
}

/* The object made with the id it had, or -1 having said why (a made one
 * with another id is removed). make: the creating call. */
static int made(const char *what, const char *kind, int32_t key, uint32_t id,
		uint32_t cuid, uint32_t cgid, int (*make)(int32_t), int (*rm)(int))
{
	int got;

	if (next_id(kind, id))
		return -1;
	if (as_creator(cuid, cgid)) {
		qr_error("restore: %s %u: creator %u/%u: %s", what, id, cuid, cgid,
			 strerror(errno));
		as_root();
		return -1;
	}
	got = make(key);
	as_root();
	if (got < 0) {
		qr_error("restore: %s %u (key 0x%08x): %s%s", what, id, (uint32_t)key,
			 strerror(errno), errno == EEXIST ?
			 ": the New kernel has that key already" : "");
		return -1;
	}
	if ((uint32_t)got != id) {
		qr_error("restore: %s %u (key 0x%08x): the New kernel gave id %d: id %u is taken already",
			 what, id, (uint32_t)key, got, id);
		rm(got);
		return -1;
	}
	return got;
}

static int note(struct qr_sysv_obj **list, size_t *n, uint32_t kind,
		uint32_t id)
{
	struct qr_sysv_obj *grown = realloc(*list, (*n + 1) * sizeof(*grown));

	if (!grown) {
		qr_error("restore: System V objects: out of memory");
		return -1;
	}
	*list = grown;
	grown[(*n)++] = (struct qr_sysv_obj){ kind, id };
	return 0;
}

/* The object made (id >= 0) or not, remembered; -1 out of memory. */
static int outcome(struct qr_sysv *s, uint32_t kind, uint32_t id, int got)
{
	return got >= 0 ? note(&s->made, &s->nmade, kind, id) :
		note(&s->failed, &s->nfailed, kind, id);
}

static const struct qri_sysv_shm *cur_shm;
static const struct qri_sem_img *cur_sem;
static const struct qri_msg_img *cur_msg;

static int shm_make(int32_t key)
{
	return shmget(key, cur_shm->size,
		      IPC_CREAT | IPC_EXCL | (cur_shm->mode & 0777));
}

static int shm_rm(int id)
{
	return shmctl(id, IPC_RMID, NULL);
}

static int sem_make(int32_t key)
{
	return semget(key, cur_sem->s.nsems,
		      IPC_CREAT | IPC_EXCL | (cur_sem->s.mode & 0777));
}

static int sem_rm(int id)
{
	return semctl(id, 0, IPC_RMID);
}

static int msg_make(int32_t key)
{
	return msgget(key, IPC_CREAT | IPC_EXCL | (cur_msg->q.mode & 0777));
}

static int msg_rm(int id)
{
	return msgctl(id, IPC_RMID, NULL);
}

/* Contents, owner, mode, lock; one marked for removal is removed and
 * stays attached here. */
static int fill_shm(struct qr_sysv *s, const struct qri_sysv_shm *m, int id,
		    int pages)
{
	struct shmid_ds ds;
	uint8_t *p = shmat(id, NULL, 0);
	void **grown;

	if (p == (void *)-1)
		return -1;
	for (uint64_t done = 0; done < m->size;) {
		ssize_t r = pread(pages, p + done, m->size - done,
				  m->pages_offset + done);

		if (r <= 0) {
			errno = r ? errno : EIO;
			shmdt(p);
			return -1;
		}
		done += r;
	}
	if (shmctl(id, IPC_STAT, &ds))
		goto fail;
	ds.shm_perm.uid = m->uid;
	ds.shm_perm.gid = m->gid;
	ds.shm_perm.mode = m->mode & 0777;
	if (shmctl(id, IPC_SET, &ds) ||
	    (m->mode & QRI_SHM_LOCKED && shmctl(id, SHM_LOCK, NULL)))
		goto fail;
	if (!(m->mode & QRI_SHM_DEST))
		return shmdt(p);
	grown = realloc(s->held, (s->nheld + 1) * sizeof(*grown));
	if (!grown || shmctl(id, IPC_RMID, NULL))
		goto fail;
	s->held = grown;
	s->held[s->nheld++] = p;
	return 0;
fail:
	shmdt(p);
	return -1;
}

static int make_shms(struct qr_sysv *s, const struct qri_image *img,
		     const char *dir)
{
	char path[4096];
	int pages, rc = 0;

	if (!img->nshms)
		return 0;
	snprintf(path, sizeof(path), "%s/pages", dir);
	pages = open(path, O_RDONLY | O_CLOEXEC);
	if (pages < 0) {
		qr_error("restore: %s: %s", path, strerror(errno));
		return -1;
	}
	/* Those marked for removal first: their key is free again once they
	 * are, for a segment made since with the same key. */
	for (int dest = 1; dest >= 0 && !rc; dest--)
		for (size_t i = 0; i < img->nshms && !rc; i++) {
			const struct qri_sysv_shm *m = &img->shms[i];
			int id;

			if (!(m->mode & QRI_SHM_DEST) != !dest)
				continue;
			cur_shm = m;
			id = made("System V shared memory segment", "shm", m->key,
				  m->id, m->cuid, m->cgid, shm_make, shm_rm);
			if (id >= 0 && fill_shm(s, m, id, pages)) {
				qr_error("restore: System V shared memory segment %u: contents, owner or mode: %s",
					 m->id, strerror(errno));
				shmctl(id, IPC_RMID, NULL);
				id = -1;
			}
			rc = outcome(s, QRI_SYSV_KIND_SHM, m->id, id);
		}
	close(pages);
	return rc;
}

static int make_sems(struct qr_sysv *s, const struct qri_image *img)
{
	for (size_t i = 0; i < img->nsems; i++) {
		const struct qri_sem_img *m = &img->sems[i];
		unsigned short *v = calloc(m->s.nsems, sizeof(*v));
		struct semid_ds ds;
		int id;

		cur_sem = m;
		id = v ? made("System V semaphore set", "sem", m->s.key, m->s.id,
			      m->s.cuid, m->s.cgid, sem_make, sem_rm) : -1;
		for (uint32_t j = 0; v && j < m->s.nsems; j++)
			v[j] = m->values[j];
		if (id >= 0 && (semctl(id, 0, SETALL, v) ||
				semctl(id, 0, IPC_STAT, &ds))) {
			qr_error("restore: System V semaphore set %u: values: %s",
				 m->s.id, strerror(errno));
			semctl(id, 0, IPC_RMID);
			id = -1;
		}
		if (id >= 0) {
			ds.sem_perm.uid = m->s.uid;
			ds.sem_perm.gid = m->s.gid;
			ds.sem_perm.mode = m->s.mode;
			if (semctl(id, 0, IPC_SET, &ds)) {
				qr_error("restore: System V semaphore set %u: owner or mode: %s",
					 m->s.id, strerror(errno));
				semctl(id, 0, IPC_RMID);
				id = -1;
			}
		}
		free(v);
		if (outcome(s, QRI_SYSV_KIND_SEM, m->s.id, id))
			return -1;
	}
	return 0;
}

/* The queue's capacity, its messages in order, owner and mode. */
static int fill_msgq(const struct qri_msg_img *m, int id)
{
	struct msqid_ds ds;
	const uint8_t *p = m->msgs;
	struct { long type; char text[QRI_MSG_LEN]; } *buf = malloc(sizeof(*buf));
	int rc = -1;

	if (!buf || msgctl(id, IPC_STAT, &ds))
		goto out;
	ds.msg_qbytes = m->q.qbytes;
	if (msgctl(id, IPC_SET, &ds))
		goto out;
	for (uint32_t i = 0; i < m->q.nmsgs; i++) {
		struct qri_sysv_msg_item it;

		memcpy(&it, p, sizeof(it));	/* image/read_sysv.c */
		buf->type = it.type;
		memcpy(buf->text, p + sizeof(it), it.len);
		if (msgsnd(id, buf, it.len, IPC_NOWAIT))
			goto out;
		p += sizeof(it) + ((it.len + 7) & ~7ull);
	}
	ds.msg_perm.uid = m->q.uid;
	ds.msg_perm.gid = m->q.gid;
	ds.msg_perm.mode = m->q.mode;
	rc = msgctl(id, IPC_SET, &ds);
out:
	free(buf);
	return rc;
}

static int make_msgqs(struct qr_sysv *s, const struct qri_image *img)
{
	for (size_t i = 0; i < img->nmsgqs; i++) {
		const struct qri_msg_img *m = &img->msgqs[i];
		int id;

		cur_msg = m;
		id = made("System V message queue", "msg", m->q.key, m->q.id,
			  m->q.cuid, m->q.cgid, msg_make, msg_rm);
		if (id >= 0 && fill_msgq(m, id)) {
			qr_error("restore: System V message queue %u: messages, owner or mode: %s",
				 m->q.id, strerror(errno));
			msgctl(id, IPC_RMID, NULL);
			id = -1;
		}
		if (outcome(s, QRI_SYSV_KIND_MSG, m->q.id, id))
			return -1;
	}
	return 0;
}

int qr_sysv_make(struct qr_sysv *s, const struct qri_image *img,
		 const char *dir)
{
	memset(s, 0, sizeof(*s));
	if (make_shms(s, img, dir) || make_sems(s, img) || make_msgqs(s, img)) {
		qr_sysv_remove(s);
		qr_sysv_close(s);
		return -1;
	}
	return 0;
}

static const char *const kind_name[] = {
	[QRI_SYSV_KIND_SHM] = "shared memory segment",
	[QRI_SYSV_KIND_SEM] = "semaphore set",
	[QRI_SYSV_KIND_MSG] = "message queue",
};

/* How pr uses object o, or NULL. */
static const char *uses(const struct qri_image *img,
			const struct qri_proc_img *pr, const struct qr_sysv_obj *o)
{
	for (size_t i = 0; o->kind == QRI_SYSV_KIND_SHM && i < pr->nvmas; i++)
		if (pr->vmas[i].v.flags & QRI_VMA_SYSV &&
		    pr->vmas[i].v.shm_object == o->id)
			return "attached";
	for (uint32_t i = 0; o->kind == QRI_SYSV_KIND_SEM && i < pr->nsemadj; i++)
		if (pr->semadj[i].semid == o->id)
			return "its SEM_UNDO adjustments are on it";
	for (size_t i = 0; i < img->nsysv_users; i++) {
		const struct qri_sysv_users_img *u = &img->sysv_users[i];

		for (uint32_t j = 0; u->u.kind == o->kind && u->u.id == o->id &&
		     j < u->u.count; j++)
			if (u->pids[j] == pr->p.pid)
				return "its last user";
	}
	return NULL;
}

int qr_sysv_proc_check(const struct qr_sysv *s, const struct qri_image *img,
		       const struct qri_proc_img *pr)
{
	for (size_t i = 0; i < s->nfailed; i++) {
		const char *how = uses(img, pr, &s->failed[i]);

		if (how) {
			qr_error("restore: pid %u (%s): System V %s %u (%s) was not made: not restored",
				 pr->p.pid, pr->p.comm, kind_name[s->failed[i].kind],
				 s->failed[i].id, how);
			return -1;
		}
	}
	return 0;
}

static void rm_obj(const struct qr_sysv_obj *o)
{
	if (o->kind == QRI_SYSV_KIND_SHM)
		shmctl((int)o->id, IPC_RMID, NULL);
	else if (o->kind == QRI_SYSV_KIND_SEM)
		semctl((int)o->id, 0, IPC_RMID);
	else
		msgctl((int)o->id, IPC_RMID, NULL);
}

void qr_sysv_remove(struct qr_sysv *s)
{
	for (size_t i = 0; i < s->nmade; i++)
		rm_obj(&s->made[i]);
	if (s->nmade)
		printf("restore: the %zu System V object(s) it made removed: no process of the image was restored\n",
		       s->nmade);
	s->nmade = 0;
}

void qr_sysv_remove_unused(struct qr_sysv *s, const struct qri_image *img,
			   const bool *failed, bool all)
{
	size_t kept = 0;

	if (all) {
		qr_sysv_remove(s);
		return;
	}
	for (size_t i = 0; i < s->nmade; i++) {
		const struct qr_sysv_obj *o = &s->made[i];
		size_t users = 0, alive = 0;

		for (size_t p = 0; p < img->nprocs; p++)
			if (uses(img, &img->procs[p], o)) {
				users++;
				alive += !failed[p];
			}
		if (users && !alive) {
			rm_obj(o);
			printf("restore: System V %s %u removed: every process using it failed\n",
			       kind_name[o->kind], o->id);
		} else {
			s->made[kept++] = *o;
		}
	}
	s->nmade = kept;
}

void qr_sysv_close(struct qr_sysv *s)
{
	for (size_t i = 0; i < s->nheld; i++)
		shmdt(s->held[i]);
	free(s->held);
	free(s->made);
	free(s->failed);
	memset(s, 0, sizeof(*s));
}
