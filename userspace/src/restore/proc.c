/* One process in the New kernel, in the child that clone3 created with the
 * old PID: identity and files first (with libc, as any process), then the
 * memory, which libc itself lives in, by the restorer blob. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "lib/exit.h"
#include "lib/module_open.h"
#include "restore/mntns.h"
#include "restore/restore.h"
#include "fds/fds.h"
#include "restore/mm.h"
#include "restore/premap.h"
#include "restore/restart.h"
#include "restore/seccomp.h"
#include "restore/semundo.h"
#include "restore/signals.h"
#include "restore/threads.h"
#include "restore/vdso.h"
#include "restorer/restorer.h"
#include "quickreboot/restore_abi.h"

#define PAGE_UP(x) (((x) + 4095) & ~(uint64_t)4095)
/* Highest user address plus one with 4-level paging, less the guard page:
 * the kernel's TASK_SIZE_MAX, where munmap stops. */
#define TASK_SIZE_4L 0x7ffffffff000ull

struct region {
	uint8_t *base;
	uint64_t len, args_off, slots_off, ops_off, keep_off;
};

/* The region's room for page operations and frame lists (zero copy),
 * then the ranges the blob keeps. */
static uint64_t ops_bytes(const struct qri_proc_img *pr)
{
	uint64_t n = (pr->nvmas + 1) * sizeof(struct qr_rst_range);

	for (size_t i = 0; i < pr->nvmas; i++)
		for (size_t j = 0; j < pr->vmas[i].nruns; j++)
			n += sizeof(struct qr_rst_op) +
				(pr->vmas[i].runs[j].kind == QRI_RUN_FRAMES ?
				 pr->vmas[i].runs[j].count * 8 : 0);
	return PAGE_UP(n);
}

static int cmp_range(const void *x, const void *y)
{
	const struct qr_rst_range *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* What the blob keeps while it unmaps the rest: the region and the
 * premaps it moves, ascending. */
static void plan_keep(struct qr_rst_args *a, struct qr_rst_range *room)
{
	a->keep_ranges = (uintptr_t)room;
	room[a->nkeep++] = (struct qr_rst_range){ a->region_start, a->region_end };
	for (uint32_t k = 0; k < a->nvmas; k++)
		if (a->vmas[k].how & QR_RST_MAP_PREMAP)
			room[a->nkeep++] = (struct qr_rst_range){
				a->vmas[k].premap, a->vmas[k].premap + a->vmas[k].len };
	qsort(room, a->nkeep, sizeof(*room), cmp_range);
}

/* One operation per run, except that frame runs at consecutive addresses
 * make one ADOPT (the module takes any list of frames). The frame lists
 * follow the operations in the region, the ranges to keep them. A premap
 * has its copied pages already. */
static void plan_ops(struct qr_rst_args *a, const struct qri_proc_img *pr,
		     uint8_t *room)
{
	struct qr_rst_op *ops = (struct qr_rst_op *)room;
	uint64_t nops = 0, *frames;

	for (size_t i = 0; i < pr->nvmas; i++)
		nops += pr->vmas[i].nruns;
	frames = (uint64_t *)(ops + nops);
	nops = 0;
	a->ops = (uintptr_t)ops;
	/* Both in address order: one walk (a process may have tens of
	 * thousands of areas). */
	for (uint32_t k = 0, i = 0; k < a->nvmas; k++) {
		struct qr_rst_vma *v = &a->vmas[k];
		const struct qri_vma_img *vi = NULL;

		while (i < pr->nvmas && pr->vmas[i].v.start < v->start)
			i++;
		if (i < pr->nvmas && pr->vmas[i].v.start == v->start)
			vi = &pr->vmas[i];
		v->first_op = nops;
		for (size_t j = 0; vi && j < vi->nruns; j++) {
			const struct qri_page_run *r = &vi->runs[j];
			struct qr_rst_op *last = nops > v->first_op ? &ops[nops - 1] : NULL;

			if (r->kind == QRI_RUN_COPY && v->how & QR_RST_MAP_PREMAP)
				continue;
			if (r->kind == QRI_RUN_COPY) {
				ops[nops++] = (struct qr_rst_op){ .addr = r->addr,
					.nr = r->count, .arg = r->where,
					.kind = QR_RST_OP_FILL };
				continue;
			}
			if (!last || last->kind != QR_RST_OP_ADOPT ||
			    last->addr + last->nr * 4096 != r->addr) {
				last = &ops[nops++];
				*last = (struct qr_rst_op){ .addr = r->addr,
					.arg = (uintptr_t)frames,
					.kind = QR_RST_OP_ADOPT };
			}
			for (uint64_t f = 0; f < r->count; f++)
				*frames++ = r->where + f;
			last->nr += r->count;
		}
		v->nops = nops - v->first_op;
	}
	plan_keep(a, (struct qr_rst_range *)frames);
}

/* The New kernel's [vvar...][vdso] block in this process: the vvar areas
 * (one or more, by kernel version) lie right below the vDSO. */
static int own_vdso(uint64_t *vvar_start, uint64_t *vdso_start, uint64_t *vdso_end)
{
	FILE *f = fopen("/proc/self/maps", "re");
	uint64_t run = 0, prev_end = 0;
	char *line = NULL;
	size_t cap = 0;

	*vdso_start = 0;
	while (f && getline(&line, &cap, f) > 0) {
		struct qr_map m;

		if (qr_maps_line(line, &m, NULL))
			continue;
		if (!strncmp(m.name, "[vvar", 5)) {
			if (!run || m.start != prev_end)
				run = m.start;
		} else if (!strcmp(m.name, "[vdso]")) {
			*vdso_start = m.start;
			*vdso_end = m.end;
			*vvar_start = run && prev_end == m.start ? run : m.start;
		} else {
			run = 0;
		}
		prev_end = m.end;
	}
	free(line);
	if (f)
		fclose(f);
	return *vdso_start ? 0 : -1;
}

/* The old vDSO's copy gets jumps to the new vDSO, which goes in a hole. */
static int plan_vdso(struct qr_rst_args *a, const struct qri_proc_img *pr,
		     int pages_fd, const uint64_t (*areas)[2])
{
	struct qr_vdso_sym olds[QR_VDSO_MAX_SYMS], news[QR_VDSO_MAX_SYMS];
	uint64_t vvar = 0, vs = 0, ve = 0, hole;
	const struct qri_vma *old = NULL;
	struct qr_err e;
	uint8_t *buf;
	int nold, nnew;

	for (size_t i = 0; i < pr->nvmas; i++)
		if (pr->vmas[i].v.flags & QRI_VMA_VDSO)
			old = &pr->vmas[i].v;
	if (!old)
		return 0;
	if (own_vdso(&vvar, &vs, &ve)) {
		qr_error("restore: this kernel gives no vDSO to put in its place");
		return -1;
	}
	nnew = qr_vdso_syms((const uint8_t *)getauxval(AT_SYSINFO_EHDR), ve - vs,
			    news, &e);
	buf = malloc(old->end - old->start);
	if (nnew < 0 || !buf || old->pages_offset == QRI_NO_PAGES ||
	    pread(pages_fd, buf, old->end - old->start, old->pages_offset) !=
	    (ssize_t)(old->end - old->start)) {
		qr_error("restore: pid %u: old vDSO unreadable", pr->p.pid);
		free(buf);
		return -1;
	}
	nold = qr_vdso_syms(buf, old->end - old->start, olds, &e);
	free(buf);
	if (nold < 0) {
		qr_error("restore: pid %u: old %s", pr->p.pid, e.msg);
		return -1;
	}
	hole = qr_find_hole(areas, pr->nvmas, ve - vvar, a->region_end, TASK_SIZE_4L);
	if (!hole) {
		qr_error("restore: pid %u: no room for the vDSO", pr->p.pid);
		return -1;
	}
	a->vdso_vvar_addr = hole;
	a->tramp_page = old->start;
	a->tramp_len = old->end - old->start;
	a->ntramps = qr_vdso_link(olds, nold, old->start, old->end - old->start,
				  news, nnew, hole + (vs - vvar), a->tramps,
				  QR_RST_MAX_TRAMPS);
	a->exit_stub = qr_vdso_stub_place(olds, nold, old->start, a->tramps,
					  a->ntramps, QR_EXIT_STUB_LEN);
	return 0;
}

static int plan_vmas(struct qr_rst_args *a, const struct qri_proc_img *pr,
		     const struct qr_shmem *shm, const struct qr_premaps *pm)
{
	for (size_t i = 0; i < pr->nvmas; i++) {
		const struct qri_vma_img *vi = &pr->vmas[i];
		struct qr_rst_vma *v = &a->vmas[a->nvmas];
		int shared = vi->v.flags & QRI_VMA_SHARED;

		if (vi->v.flags & QRI_VMA_VVAR)
			continue;	/* the New kernel's comes with its vDSO */
		*v = (struct qr_rst_vma) {
			.start = vi->v.start, .len = vi->v.end - vi->v.start,
			.pgoff = vi->v.pgoff * 4096, .pages_off = vi->v.pages_offset,
			.prot = vi->v.prot, .fd = -1, .advice = vi->v.advice,
			.how = (shared ? QR_RST_MAP_SHARED : 0) |
				(vi->v.flags & QRI_VMA_STACK ? QR_RST_MAP_GROWSDOWN : 0),
		};
		if (vi->v.flags & QRI_VMA_SYSV) {
			/* Its contents are the segment's, made already. */
			v->how |= QR_RST_MAP_SYSV;
			v->shmid = (int32_t)vi->v.shm_object;
			v->pages_off = QRI_NO_PAGES;
		} else if (vi->v.flags & QRI_VMA_SHMEM) {
			/* Its contents are the object's, made already. */
			v->pages_off = QRI_NO_PAGES;
			v->fd = qr_shmem_open(shm, vi->v.pages_offset);
			if (v->fd < 0)
				return -1;
		} else if (!vi->path) {
			const struct qr_premap *p = qr_premap_find(pm, vi->v.start,
								   vi->v.end);

			v->how |= QR_RST_MAP_ANON;
			v->pgoff = 0;
			if (p) {
				v->how |= QR_RST_MAP_PREMAP;
				v->premap = p->at;
				v->pages_off = QRI_NO_PAGES;
			}
		} else {
			v->fd = open(vi->path, (shared && vi->v.prot & PROT_WRITE ?
						O_RDWR : O_RDONLY) | O_CLOEXEC);
			if (v->fd < 0) {
				qr_error("restore: pid %u: %s: %s", pr->p.pid,
					 vi->path, strerror(errno));
				return -1;
			}
		}
		a->nvmas++;
	}
	return 0;
}

/* The blob, its arguments and a slot per thread, in one region where the
 * old process had nothing (and this one neither); then room for the page
 * operations (zero copy) and, at its end, keep bytes that stay in the
 * process after the restore (restore/restart.h). */
/* The arguments: the fixed part, an entry per memory area, the
 * supplementary groups, then (8-byte aligned) the seccomp filters. */
static uint64_t groups_len(const struct qri_proc_img *pr)
{
	return ((pr->creds ? pr->creds->ngroups * sizeof(uint32_t) : 0) + 7) & ~7ull;
}

static uint64_t args_len(const struct qri_proc_img *pr)
{
	return sizeof(struct qr_rst_args) + pr->nvmas * sizeof(struct qr_rst_vma) +
		groups_len(pr) + qr_restore_seccomp_len(pr);
}

static int map_region(struct region *r, const uint64_t (*areas)[2], size_t n,
		      size_t nthreads, uint64_t ops_len, uint64_t keep,
		      uint64_t args)
{
	size_t code = qr_restorer_code_end - qr_restorer_code;
	uint64_t from = 0x10000000;

	r->args_off = PAGE_UP(code);
	r->slots_off = r->args_off + PAGE_UP(args);
	r->ops_off = r->slots_off + nthreads * QR_RST_SLOT;
	r->keep_off = PAGE_UP(r->ops_off + ops_len);
	r->len = r->keep_off + keep;
	for (int tries = 0; tries < 64; tries++) {
		uint64_t hole = qr_find_hole(areas, n, r->len, from, TASK_SIZE_4L);
		void *p;

		if (!hole)
			break;
		p = mmap((void *)hole, r->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)hole) {
			r->base = p;
			memcpy(r->base, qr_restorer_code, code);
			return mprotect(r->base, r->args_off, PROT_READ | PROT_EXEC);
		}
		if (p != MAP_FAILED)
			munmap(p, r->len);
		from = hole + (1ull << 28);
	}
	qr_error("restore: no room for the restorer");
	return -1;
}

/* glibc registered this thread's rseq area in its TLS, which the blob
 * unmaps: the kernel would then fail to update it on the next return to
 * user mode and kill the process with SIGSEGV. */
static void unregister_rseq(void)
{
	char *area = (char *)__builtin_thread_pointer() + __rseq_offset;

	if (__rseq_size &&
	    syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) &&
	    __rseq_size < 32)
		syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}

/* The fds restore keeps (status_fd, go_fd, and a copy of quickreboot's
 * stderr, where this child's messages keep going: the process's own fd 2
 * may be another file) moved above the table, then the image's fds taken
 * from it, and everything else closed. */
static int restore_files(const struct qri_proc_img *pr,
			 const struct qr_files *files,
			 const struct qr_shmem *shm, int *status_fd,
			 int *go_fd, int *err_fd, int ns_fd)
{
	int *keep = malloc((4 + shm->n) * sizeof(*keep)), rc;
	FILE *err;
	int e;

	if (!keep)
		return -1;
	*status_fd = fcntl(*status_fd, F_DUPFD_CLOEXEC, files->top);
	*go_fd = fcntl(*go_fd, F_DUPFD_CLOEXEC, files->top);
	e = fcntl(2, F_DUPFD_CLOEXEC, files->top);
	err = e < 0 ? NULL : fdopen(e, "w");
	if (*status_fd < 0 || *go_fd < 0 || !err) {
		free(keep);
		return -1;
	}
	setvbuf(err, NULL, _IONBF, 0);
	stderr = err;
	*err_fd = e;
	keep[0] = *status_fd;
	keep[1] = *go_fd;
	keep[2] = e;
	/* The shared memory objects, until the areas are planned. */
	memcpy(&keep[3], shm->fd, shm->n * sizeof(*keep));
	/* The mount namespace, entered once the paths outside it are open. */
	keep[3 + shm->n] = ns_fd;
	rc = qr_files_take(files, pr, keep, 3 + (int)shm->n + (ns_fd >= 0));
	free(keep);
	return rc;
}

/* The image's capabilities, no_new_privs and groups, which every thread
 * of the blob sets after its ids; the groups go after the areas. */
static void plan_creds(struct qr_rst_args *a, const struct qri_proc_img *pr)
{
	const struct qri_creds *k = pr->creds;
	uint32_t *groups = (uint32_t *)&a->vmas[pr->nvmas];

	if (!k)
		return;
	a->creds_valid = 1;
	a->no_new_privs = k->no_new_privs;
	a->cap_inh = k->cap_inh;
	a->cap_prm = k->cap_prm;
	a->cap_eff = k->cap_eff;
	a->cap_bnd = k->cap_bnd;
	a->cap_amb = k->cap_amb;
	a->ngroups = k->ngroups;
	a->groups = (uintptr_t)groups;
	if (k->ngroups)
		memcpy(groups, pr->groups, k->ngroups * sizeof(*groups));
}

/* Each thread's policy, priority, nice and affinity, for the blob. */
static int plan_sched(struct qr_rst_args *a, const struct qri_proc_img *pr)
{
	for (uint32_t i = 0; i < a->nthreads; i++) {
		struct qr_rst_thread *t = &a->threads[i];
		const struct qri_thread_img *th = NULL;
		uint32_t bytes;

		for (size_t j = 0; j < pr->nthreads; j++)
			if (pr->threads[j].t.tid == (uint32_t)t->tid)
				th = &pr->threads[j];
		if (!th || !th->sched)
			continue;
		bytes = th->sched->ncpus / 8;
		for (uint32_t b = sizeof(t->cpus); b < bytes; b++)
			if (th->cpus[b]) {
				qr_error("restore: thread %d: affinity names CPU %u or above, more than %zu",
					 t->tid, b * 8, sizeof(t->cpus) * 8);
				return -1;
			}
		if (bytes > sizeof(t->cpus))
			bytes = sizeof(t->cpus);
		t->sched_valid = 1;
		t->policy = th->sched->policy;
		t->rt_priority = th->sched->rt_priority;
		t->nice = th->sched->nice;
		t->ioprio = th->sched->ioprio;
		t->timerslack_ns = th->sched->timerslack_ns;
		t->cpus_len = bytes;
		memcpy(t->cpus, th->cpus, bytes);
	}
	return 0;
}

/* Each membarrier(2) registration of the memory, taken again. */
static int restore_membarrier(const struct qri_proc_img *pr)
{
	for (uint32_t cmd = 1; cmd <= QRI_MEMBARRIER_KNOWN; cmd <<= 1)
		if (pr->sig->membarrier & cmd &&
		    syscall(SYS_membarrier, cmd, 0, 0)) {
			qr_error("restore: pid %u: membarrier registration 0x%x: %s",
				 pr->p.pid, cmd, strerror(errno));
			return -1;
		}
	return 0;
}

/* What belongs to the whole process or its mm (the blob keeps both).
 * With premaps, huge pages stay disabled until the blob has adopted the
 * frames into their holes (restore/premap.h), which then sets them. */
static int restore_attrs(const struct qri_proc_img *pr, bool premapped)
{
	char v[16];
	int fd, n;

	if (pr->sig && pr->sig->child_subreaper &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		qr_error("restore: pid %u: child subreaper: %s", pr->p.pid, strerror(errno));
		return -1;
	}
	if (pr->sig && pr->sig->membarrier && restore_membarrier(pr))
		return -1;
	if (!pr->attrs)
		return 0;
	if (!premapped &&
	    prctl(PR_SET_THP_DISABLE, pr->attrs->thp_disabled, 0, 0, 0)) {
		qr_error("restore: pid %u: THP disable: %s", pr->p.pid, strerror(errno));
		return -1;
	}
	n = snprintf(v, sizeof(v), "%d\n", pr->attrs->oom_score_adj);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, n) != n) {
		qr_error("restore: pid %u: oom_score_adj %d: %s", pr->p.pid,
			 pr->attrs->oom_score_adj, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Whether some of the process's pages are frames to adopt. */
static bool has_frames(const struct qri_proc_img *pr)
{
	for (size_t i = 0; i < pr->nvmas; i++)
		for (size_t j = 0; j < pr->vmas[i].nruns; j++)
			if (pr->vmas[i].runs[j].kind == QRI_RUN_FRAMES)
				return true;
	return false;
}

int qr_restore_become(const struct qri_proc_img *pr, const char *dir,
		      const struct qr_files *files, const struct qr_shmem *shm,
		      const struct qr_mntns *mntns, const struct qr_premaps *pm,
		      int status_fd, int go_fd)
{
	int ns_fd;
	uint64_t (*areas)[2] = calloc(pr->nvmas + 1, sizeof(*areas));
	struct qr_rst_args *a;
	struct region r;
	char path[4096];
	int err_fd = -1;

	if (!areas)
		return -1;
	personality(pr->p.personality);
	prctl(PR_SET_NAME, pr->p.comm);
	umask(pr->p.umask);
	if (restore_attrs(pr, pm->n) || qr_mntns_fd(mntns, pr, &ns_fd))
		return -1;
	if (restore_files(pr, files, shm, &status_fd, &go_fd, &err_fd, ns_fd)) {
		qr_error("restore: pid %u: files: %s", pr->p.pid, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < pr->nvmas; i++) {
		areas[i][0] = pr->vmas[i].v.start;
		areas[i][1] = pr->vmas[i].v.end;
	}
	if (map_region(&r, (const uint64_t (*)[2])areas, pr->nvmas, pr->nthreads,
		       ops_bytes(pr), qr_restart_keep_len(pr), args_len(pr)))
		return -1;
	a = (struct qr_rst_args *)(r.base + r.args_off);
	memset(a, 0, sizeof(*a));
	a->region_start = (uintptr_t)r.base;
	a->region_end = (uintptr_t)r.base + r.len;
	a->task_size = TASK_SIZE_4L;
	a->keep_start = (uintptr_t)r.base + r.keep_off;
	a->keep_len = r.len - r.keep_off;
	a->status_fd = status_fd;
	a->go_fd = go_fd;
	for (int i = 0; i < 8; i++)
		a->close_fds[i] = -1;
	snprintf(path, sizeof(path), "%s/pages", dir);
	a->pages_fd = open(path, O_RDONLY | O_CLOEXEC);
	a->close_fds[0] = a->pages_fd;
	a->close_fds[2] = err_fd;
	/* Opened after the files are in place, closed by the blob. */
	a->restore_fd = has_frames(pr) ?
		qr_device_open("restore", QR_RESTORE_DEVICE, "restore") : -1;
	a->close_fds[3] = a->restore_fd;
	if (has_frames(pr) && a->restore_fd < 0)
		return -1;
	if (a->pages_fd < 0) {
		qr_error("restore: %s: %s", path, strerror(errno));
		return -1;
	}
	/* The paths above are restore's; the process's own (its working
	 * directory, mapped files, executable) are its namespace's. */
	if ((ns_fd >= 0 && qr_mntns_enter(pr, ns_fd)) || qr_restore_cwd(pr))
		return -1;
	if (plan_vmas(a, pr, shm, pm) ||
	    plan_vdso(a, pr, a->pages_fd, (const uint64_t (*)[2])areas))
		return -1;
	for (size_t i = 0; i < shm->n; i++)
		close(shm->fd[i]);	/* each area has its own fd now */
	plan_ops(a, pr, r.base + r.ops_off);
	if (pm->n) {
		a->thp_set = 1;
		a->thp_disabled = pr->attrs ? pr->attrs->thp_disabled : 0;
	}
	qr_restore_plan_own_pages(a, pr);
	qr_restore_plan_mm(a, pr);
	if (qr_restore_semundo(pr) || qr_restore_signals(pr))
		return -1;
	memcpy(a->uid, pr->p.uid, sizeof(a->uid));
	memcpy(a->gid, pr->p.gid, sizeof(a->gid));
	plan_creds(a, pr);
	if (qr_restore_plan_threads(a, r.base + r.slots_off, pr) ||
	    qr_restore_plan_seccomp(a, (uint8_t *)&a->vmas[pr->nvmas] +
				    groups_len(pr), pr) ||
	    plan_sched(a, pr) ||
	    qr_restore_plan_thread_signals(a, pr) || qr_restore_root(pr) ||
	    (a->keep_len &&
	     mprotect((void *)a->keep_start, a->keep_len, PROT_READ | PROT_EXEC)))
		return -1;
	free(areas);
	unregister_rseq();
	/* No way back from here: the blob unmaps this code. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "jmp *%1"
			 : : "r"(a->threads[0].stack_top - 8),
			   "r"(r.base), "D"(a) : "memory");
	__builtin_unreachable();
}
