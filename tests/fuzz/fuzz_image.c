/* Fuzzes the image reader: no crash, no leak, and what it accepts is
 * consistent. The checksums would stop almost every mutation at the door,
 * so every other input gets its checksums sealed first: the fuzzer then
 * reaches the record parser. */
#include <stdlib.h>
#include <string.h>

#include "fds/event.h"
#include "fds/inet.h"
#include "fds/pipe_rec.h"
#include "lib/crc32.h"
#include "image/image.h"
#include "image/proc_tree.h"
#include "fds/unix.h"

/* A pipe's or FIFO's record as the reader let it through: its queue
 * within the data, its maker and peer files of the same pipe. */
static void check_pipes(const struct qri_image *img)
{
	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *f = &img->files[i], *m, *peer;
		const uint8_t *q;
		struct qr_pipe_rec r;

		if (f->f.kind != QRI_FD_PIPE && f->f.kind != QRI_FD_FIFO)
			continue;
		qr_pipe_rec(f, &r, &q);
		if (q + r.queue_len != f->data + f->f.data_len ||
		    r.queue_len > r.size)
			abort();
		m = qr_pipe_maker(img, f);
		peer = qr_pipe_peer(img, m);
		if (m->f.object != f->f.object || m->f.kind != f->f.kind ||
		    (peer && (peer == m || peer->f.object != m->f.object)))
			abort();
	}
}

/* Pages shared with a parent: inside their area, which the parent has
 * too, and their contents found (or not) in bounded steps. */
static void check_inherit(const struct qri_image *img)
{
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++) {
			const struct qri_vma_img *vm = &img->procs[i].vmas[j];
			const struct qri_proc_img *parent;
			uint64_t off;

			if (!vm->inherit)
				continue;
			parent = qri_proc_of(img, img->procs[i].p.ppid);
			if (!parent || !qri_vma_at(parent, vm->v.start) ||
			    vm->inherit[vm->ninherit - 1].first +
			    vm->inherit[vm->ninherit - 1].count >
			    (vm->v.end - vm->v.start) / 4096)
				abort();
			for (uint32_t r = 0; r < vm->ninherit; r++)
				qri_inherited_offset(img, &img->procs[i], vm,
						     vm->inherit[r].first, &off);
		}
}

static void check(const struct qri_image *img)
{
	check_pipes(img);
	check_inherit(img);
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *p = &img->procs[i];

		if (!p->cwd || !p->root || p->nthreads == 0)
			abort();
		for (size_t j = 0; j < p->nvmas; j++)
			if (p->vmas[j].v.start >= p->vmas[j].v.end ||
			    (j && p->vmas[j].v.start < p->vmas[j - 1].v.end))
				abort();
		for (size_t j = 0; j < p->nfds; j++)
			if (p->fds[j].file >= img->nfiles)
				abort();
		if (p->mm && (p->mm->m.start_brk > p->mm->m.brk ||
			      p->mm->m.brk >= QRI_USER_LIMIT ||
			      (p->mm->exe && p->mm->exe[0] != '/')))
			abort();
		if (p->sig && (!p->pending || p->sig->actions[8].handler))
			abort();
		if (p->nrlimits && p->rlimits[p->nrlimits - 1].cur >
		    p->rlimits[p->nrlimits - 1].max)
			abort();
		if (p->creds && (p->creds->cap_eff & ~p->creds->cap_prm ||
				 p->creds->no_new_privs > 1 ||
				 (p->creds->ngroups && !p->groups)))
			abort();
		if (p->attrs && (p->attrs->oom_score_adj < -1000 ||
				 p->attrs->oom_score_adj > 1000))
			abort();
		for (size_t j = 0; j < p->nvmas; j++)
			if (p->vmas[j].v.advice & ~(uint32_t)QRI_ADV_KNOWN)
				abort();
		for (size_t j = 0; j < p->nthreads; j++)
			if (p->threads[j].sched &&
			    (!p->threads[j].cpus || p->threads[j].sched->nice < -20 ||
			     p->threads[j].sched->nice > 19 ||
			     p->threads[j].sched->ncpus > QRI_MAX_CPUS))
				abort();
		for (size_t j = 0; j < p->nthreads; j++)
			if ((p->threads[j].sig && !p->threads[j].pending) ||
			    (p->threads[j].restart &&
			     p->threads[j].restart->rmtp >= QRI_USER_LIMIT))
				abort();
	}
}

/* The event kinds' data, which the reader accepted: as their open and
 * place decode it, and the timer's plan at restore in range. */
static void kind_data(const struct qri_file_img *f)
{
	const struct qri_epoll_target *t;
	struct qr_timerfd_plan plan;
	struct qri_eventfd ev;
	struct qri_timerfd tf;
	struct qri_signalfd sf;
	struct qri_epoll ep;
	struct qr_err e;

	switch (f->f.kind) {
	case QRI_FD_EVENTFD:
		if (qr_eventfd_decode(f->data, f->f.data_len, &ev, &e))
			abort();
		break;
	case QRI_FD_TIMERFD:
		if (qr_timerfd_decode(f->data, f->f.data_len, &tf, &e))
			abort();
		qr_timerfd_plan(&tf, tf.realtime_ns, &plan);
		if (plan.interval_ns && plan.value_ns > plan.interval_ns &&
		    tf.value_ns <= tf.realtime_ns)
			abort();
		break;
	case QRI_FD_SIGNALFD:
		if (qr_signalfd_decode(f->data, f->f.data_len, &sf, &e))
			abort();
		break;
	case QRI_FD_EPOLL:
		if (qr_epoll_decode(f->data, f->f.data_len, &ep, &t, &e))
			abort();
		break;
	case QRI_FD_TCP:
	case QRI_FD_UDP: {
		struct qr_inet_img in;

		/* As restore reads it: its queues inside its data. */
		if (qr_inet_img_parse(f->data, f->f.data_len,
				      f->f.kind == QRI_FD_TCP, &in, &e) ||
		    (in.has_conn && in.inq + in.c.inq_len != f->data + f->f.data_len))
			abort();
		break;
	}
	}
}

/* A UNIX socket's data the reader accepted, as its restore reads it:
 * valid, walked to its end within its length. */
static void unix_data(const struct qri_image *img)
{
	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file_img *f = &img->files[i];
		struct qr_unix_img u;
		struct qr_unix_msg m;
		const uint8_t *end;
		const char *why;
		size_t off = 0, n = 0;

		if (f->f.kind != QRI_FD_UNIX)
			continue;
		end = f->data + f->f.data_len;
		if (qr_unix_img_parse(f->data, f->f.data_len, &u, &why))
			abort();
		for (uint32_t k = 0; k < u.r.nicons; k++)
			(void)qr_unix_icon(&u, k);
		for (uint32_t k = 0; k < u.r.peer_cred.ngroups; k++)
			(void)qr_unix_group(u.peer_groups, k);
		for (uint32_t k = 0; k < u.r.conn_cred.ngroups; k++)
			(void)qr_unix_group(u.conn_groups, k);
		if (u.filter + 8 * (size_t)u.r.nfilter > end ||
		    (const uint8_t *)u.peersec + u.r.peersec_len > end)
			abort();
		while (qr_unix_next_msg(&u, &off, &m))
			if (m.data + m.len > end || (const uint8_t *)m.from + m.from_len > end ||
			    m.from_len > 108 || ++n > u.r.nmsgs)
				abort();
		if (n != u.r.nmsgs || off != u.msgs_len)
			abort();
	}
}

/* What restore plans from an accepted image: every process once in the
 * order, after its parent. */
static void plan_tree(const struct qri_image *img)
{
	size_t n = img->nprocs + img->nzombies;
	struct qr_tree_proc *p = calloc(n + 1, sizeof(*p));
	uint8_t *seen = calloc(n + 1, 1);
	struct qr_tree t;
	struct qr_err e;

	if (!p || !seen)
		abort();
	for (size_t i = 0; i < img->nprocs; i++)
		p[i] = (struct qr_tree_proc) { img->procs[i].p.pid,
			img->procs[i].p.ppid, img->procs[i].p.pgid,
			img->procs[i].p.sid };
	for (size_t i = 0; i < img->nzombies; i++)
		p[img->nprocs + i] = (struct qr_tree_proc) { img->zombies[i].pid,
			img->zombies[i].ppid, img->zombies[i].pgid,
			img->zombies[i].sid };
	if (qr_tree_plan(p, n, &t, &e) == 0) {
		for (size_t k = 0; k < t.n; k++) {
			size_t i = t.order[k];

			if (i >= t.n || seen[i] ||
			    (t.parent[i] >= 0 && !seen[t.parent[i]]))
				abort();
			seen[i] = 1;
		}
		qr_tree_free(&t);
	}
	free(seen);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct qri_header h;
	struct qri_image img;
	struct qr_err e;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (size >= sizeof(h) && (data[size - 1] & 1)) {
		memcpy(&h, buf, sizeof(h));
		h.total_size = size;
		h.body_crc32 = qr_crc32(0, buf + sizeof(h), size - sizeof(h));
		h.header_crc32 = 0;
		h.header_crc32 = qr_crc32(0, &h, sizeof(h));
		memcpy(buf, &h, sizeof(h));
	}
	if (qri_parse(buf, size, &img, &e) == 0) {
		check(&img);
		for (size_t i = 0; i < img.nfiles; i++)
			kind_data(&img.files[i]);
		unix_data(&img);
		plan_tree(&img);
		qri_free(&img);
	}
	free(buf);
	return 0;
}
