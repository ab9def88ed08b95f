/* Builds a checkpoint image in memory (layout: image/format.h). */
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "image/image.h"

static void put(struct qri_writer *w, const void *p, size_t n)
{
	if (w->oom || !n)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		uint8_t *b;

		while (cap < w->len + n)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->oom = 1;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	if (p)
		memcpy(w->buf + w->len, p, n);
	else
		memset(w->buf + w->len, 0, n);
	w->len += n;
}

void qri_writer_init(struct qri_writer *w, const char *origin)
{
	struct qri_header h = { .version = QRI_VERSION,
				.header_size = sizeof(h) };

	memset(w, 0, sizeof(*w));
	memcpy(h.magic, QRI_MAGIC, sizeof(h.magic));
	strncpy(h.origin, origin ? origin : "", sizeof(h.origin) - 1);
	put(w, &h, sizeof(h));
}

void qri_add_raw(struct qri_writer *w, uint16_t type, uint16_t flags,
		 const void *fixed, uint32_t fixed_size,
		 const void *tail, size_t tail_len)
{
	struct qri_record r = {
		.type = type,
		.flags = flags,
		.fixed_size = fixed_size,
		.length = (uint64_t)fixed_size + tail_len,
	};

	put(w, &r, sizeof(r));
	put(w, fixed, fixed_size);
	put(w, tail, tail_len);
	put(w, NULL, (QRI_ALIGN - r.length % QRI_ALIGN) % QRI_ALIGN);
	w->records++;
}

/* A record whose tail is up to two pieces. */
static void add2(struct qri_writer *w, uint16_t type, const void *fixed,
		 uint32_t fixed_size, const void *a, size_t alen,
		 const void *b, size_t blen)
{
	uint8_t *tail = malloc(alen + blen + 1);

	if (!tail) {
		w->oom = 1;
		return;
	}
	if (alen)
		memcpy(tail, a, alen);
	if (blen)
		memcpy(tail + alen, b, blen);
	qri_add_raw(w, type, 0, fixed, fixed_size, tail, alen + blen);
	free(tail);
}

void qri_add_process(struct qri_writer *w, const struct qri_process *p,
		     const char *cwd, const char *root)
{
	struct qri_process q = *p;

	q.cwd_len = strlen(cwd);
	q.root_len = strlen(root);
	add2(w, QRI_PROCESS, &q, sizeof(q), cwd, q.cwd_len, root, q.root_len);
}

void qri_add_thread(struct qri_writer *w, const struct qri_thread *t,
		    const void *regs, const void *xstate)
{
	add2(w, QRI_THREAD, t, sizeof(*t), regs, t->regs_len,
	     xstate, xstate ? t->xstate_len : 0);
}

void qri_add_vma(struct qri_writer *w, const struct qri_vma *v,
		 const char *path)
{
	struct qri_vma q = *v;

	q.path_len = path ? strlen(path) : 0;
	add2(w, QRI_VMA, &q, sizeof(q), path, q.path_len, NULL, 0);
}

void qri_add_page_runs(struct qri_writer *w, uint32_t pid, uint64_t vma_start,
		       const struct qri_page_run *runs, uint64_t n)
{
	struct qri_page_runs r = { .pid = pid, .vma_start = vma_start, .nr_runs = n };

	add2(w, QRI_PAGE_RUNS, &r, sizeof(r), runs, n * sizeof(*runs), NULL, 0);
}

void qri_add_vma_own(struct qri_writer *w, uint32_t pid, uint64_t start,
		     const struct qri_own_run *runs, uint32_t nruns)
{
	struct qri_vma_own q = { .pid = pid, .nruns = nruns, .start = start };

	qri_add_raw(w, QRI_VMA_OWN, QRI_REC_OPTIONAL, &q, sizeof(q), runs,
		    (size_t)nruns * sizeof(*runs));
}

void qri_add_vma_inherit(struct qri_writer *w, uint32_t pid, uint64_t start,
			 const struct qri_own_run *runs, uint32_t nruns)
{
	struct qri_vma_inherit q = { .pid = pid, .nruns = nruns, .start = start };

	qri_add_raw(w, QRI_VMA_INHERIT, 0, &q, sizeof(q), runs,
		    (size_t)nruns * sizeof(*runs));
}

void qri_add_file(struct qri_writer *w, const struct qri_file *f,
		  const char *path, const void *data)
{
	struct qri_file q = *f;

	q.path_len = strlen(path);
	add2(w, QRI_FILE, &q, sizeof(q), path, q.path_len, data, q.data_len);
}

void qri_add_fd(struct qri_writer *w, const struct qri_fd *f)
{
	qri_add_raw(w, QRI_FD, 0, f, sizeof(*f), NULL, 0);
}

void qri_add_mm(struct qri_writer *w, const struct qri_mm *m,
		const void *auxv, const char *exe)
{
	struct qri_mm q = *m;

	q.exe_len = exe ? strlen(exe) : 0;
	add2(w, QRI_MM, &q, sizeof(q), auxv, q.auxv_len, exe, q.exe_len);
}

void qri_add_signals(struct qri_writer *w, const struct qri_signals *s,
		     const struct qri_siginfo *pending)
{
	qri_add_raw(w, QRI_SIGNALS, 0, s, sizeof(*s), pending,
		    (size_t)s->nr_pending * sizeof(*pending));
}

void qri_add_rlimits(struct qri_writer *w, uint32_t pid,
		     const struct qri_rlimit *r, uint32_t count)
{
	struct qri_rlimits q = { .pid = pid, .count = count };

	qri_add_raw(w, QRI_RLIMITS, 0, &q, sizeof(q), r, count * sizeof(*r));
}

void qri_add_timers(struct qri_writer *w, const struct qri_timers *t,
		    const struct qri_posix_timer *timer)
{
	qri_add_raw(w, QRI_TIMERS, 0, t, sizeof(*t), timer,
		    (size_t)t->count * sizeof(*timer));
}

void qri_add_thread_signals(struct qri_writer *w,
			    const struct qri_thread_signals *s,
			    const struct qri_siginfo *pending)
{
	qri_add_raw(w, QRI_THREAD_SIGNALS, 0, s, sizeof(*s), pending,
		    (size_t)s->nr_pending * sizeof(*pending));
}

void qri_add_thread_restart(struct qri_writer *w,
			    const struct qri_thread_restart *r)
{
	qri_add_raw(w, QRI_THREAD_RESTART, 0, r, sizeof(*r), NULL, 0);
}

/* Never QRI_REC_OPTIONAL (format.h): ignoring them would lose privilege
 * restrictions or scheduling without a word. */
void qri_add_creds(struct qri_writer *w, const struct qri_creds *c,
		   const uint32_t *groups)
{
	qri_add_raw(w, QRI_CREDS, 0, c, sizeof(*c), groups,
		    (size_t)c->ngroups * sizeof(*groups));
}

void qri_add_proc_attrs(struct qri_writer *w, const struct qri_proc_attrs *a)
{
	qri_add_raw(w, QRI_PROC_ATTRS, 0, a, sizeof(*a), NULL, 0);
}

void qri_add_thread_sched(struct qri_writer *w, const struct qri_thread_sched *s,
			  const uint8_t *cpus)
{
	qri_add_raw(w, QRI_THREAD_SCHED, 0, s, sizeof(*s), cpus, s->ncpus / 8);
}

void qri_add_zombie(struct qri_writer *w, const struct qri_zombie *z)
{
	qri_add_raw(w, QRI_ZOMBIE, 0, z, sizeof(*z), NULL, 0);
}

void qri_add_clocks(struct qri_writer *w, const struct qri_clocks *k)
{
	qri_add_raw(w, QRI_CLOCKS, QRI_REC_OPTIONAL, k, sizeof(*k), NULL, 0);
}

int qri_finish(struct qri_writer *w)
{
	struct qri_header h;

	if (w->oom)
		return -1;
	memcpy(&h, w->buf, sizeof(h));
	h.total_size = w->len;
	h.record_count = w->records;
	h.body_crc32 = qr_crc32(0, w->buf + sizeof(h), w->len - sizeof(h));
	h.header_crc32 = 0;
	h.header_crc32 = qr_crc32(0, &h, sizeof(h));
	memcpy(w->buf, &h, sizeof(h));
	return 0;
}

void qri_writer_free(struct qri_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void qri_add_mount(struct qri_writer *w, const struct qri_mount *m,
		   const char *root, const char *point, const char *fstype,
		   const char *source, const char *super, const char *host)
{
	const char *s[6] = { root, point, fstype, source, super, host ? host : "" };
	struct qri_mount r = *m;
	uint16_t *lens[6] = { &r.root_len, &r.point_len, &r.fstype_len,
			      &r.source_len, &r.super_len, &r.host_len };
	size_t n = 0, k = 0;
	char *tail;

	for (int i = 0; i < 6; i++) {
		*lens[i] = (uint16_t)strlen(s[i]);
		n += *lens[i];
	}
	tail = malloc(n + 1);
	if (!tail) {
		w->oom = 1;
		return;
	}
	for (int i = 0; i < 6; i++) {
		memcpy(tail + k, s[i], *lens[i]);
		k += *lens[i];
	}
	qri_add_raw(w, QRI_MOUNT, 0, &r, sizeof(r), tail, n);
	free(tail);
}

void qri_add_mount_entry(struct qri_writer *w, const struct qri_mount_entry *e,
			 const char *path, const void *data)
{
	struct qri_mount_entry r = *e;

	r.path_len = (uint32_t)strlen(path);
	add2(w, QRI_MOUNT_ENTRY, &r, sizeof(r), path, r.path_len, data, r.size);
}

void qri_add_run_mount(struct qri_writer *w, uint32_t id, const char *point)
{
	struct qri_run_mount r = { .id = id, .point_len = (uint32_t)strlen(point) };

	qri_add_raw(w, QRI_RUN_MOUNT, 0, &r, sizeof(r), point, r.point_len);
}

void qri_add_run_entry(struct qri_writer *w, const struct qri_run_entry *e,
		       const char *path, const void *data)
{
	struct qri_run_entry r = *e;

	r.path_len = (uint32_t)strlen(path);
	add2(w, QRI_RUN_ENTRY, &r, sizeof(r), path, r.path_len, data, r.size);
}
