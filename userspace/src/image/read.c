/* Reads a checkpoint image, trusting nothing in it (layout: image/format.h).
 * Every check happens before the image is returned; on the first problem
 * the reader stops, frees what it built, and names the problem. This file:
 * the framing and the process, thread, memory area and file records. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fds/kind.h"
#include "image/read.h"
#include "lib/crc32.h"

const char *const qri_type_names[QRI_NTYPES] = {
	[QRI_PROCESS] = "process", [QRI_THREAD] = "thread",
	[QRI_VMA] = "memory area", [QRI_FD] = "file descriptor",
	[QRI_MM] = "memory fields", [QRI_SIGNALS] = "signals",
	[QRI_RLIMITS] = "resource limits",
	[QRI_THREAD_SIGNALS] = "thread signals",
	[QRI_THREAD_RESTART] = "interrupted sleep",
	[QRI_PAGE_RUNS] = "page runs",
	[QRI_ZOMBIE] = "zombie",
	[QRI_VMA_OWN] = "own pages",
	[QRI_CLOCKS] = "clocks",
	[QRI_PAGES_SEAL] = "pages seal",
	[QRI_CREDS] = "credentials",
	[QRI_PROC_ATTRS] = "process attributes",
	[QRI_THREAD_SCHED] = "thread scheduling",
	[QRI_PROOF] = "what /proc showed",
	[QRI_FILE] = "open file",
	[QRI_SYSV_SHM] = "System V shared memory",
	[QRI_SYSV_SEM] = "System V semaphores",
	[QRI_SYSV_MSG] = "System V message queue",
	[QRI_TIMERS] = "POSIX timers",
	[QRI_SEM_UNDO] = "SEM_UNDO adjustments",
	[QRI_SYSV_USERS] = "System V users",
	[QRI_MOUNT] = "mount",
	[QRI_MOUNT_ENTRY] = "file of a mount",
	[QRI_PROC_MNTNS] = "mount namespace of a process",
	[QRI_SECCOMP_FILTER] = "seccomp filter",
	[QRI_THREAD_SECCOMP] = "seccomp filters of a thread",
	[QRI_RUN_MOUNT] = "tmpfs under /run",
	[QRI_RUN_ENTRY] = "file under /run",
	[QRI_VMA_INHERIT] = "pages shared with the parent",
};

int qri_take_path(struct qri_cursor *c, int type, const char *what,
		  const uint8_t **tail, size_t *left, uint32_t len, char **out)
{
	if (len == 0 || len > QRI_MAX_PATH || len > *left)
		return BAD(c, type, "%s length %" PRIu32 " is out of bounds",
			   what, len);
	if (memchr(*tail, '\0', len) || (*tail)[0] != '/')
		return BAD(c, type, "%s is not an absolute path", what);
	*out = malloc(len + 1);
	if (!*out)
		return qr_err_set(c->e, "out of memory");
	memcpy(*out, *tail, len);
	(*out)[len] = '\0';
	*tail += len;
	*left -= len;
	return 0;
}

int qri_take_blob(struct qri_cursor *c, int type, const char *what,
		  const uint8_t **tail, size_t *left, uint64_t len,
		  uint8_t **out)
{
	if (len > *left)
		return BAD(c, type, "%s length %" PRIu64 " is out of bounds",
			   what, len);
	*out = malloc(len ? len : 1);
	if (!*out)
		return qr_err_set(c->e, "out of memory");
	memcpy(*out, *tail, len);
	*tail += len;
	*left -= len;
	return 0;
}

static struct qri_proc_img *find_proc(struct qri_image *img, uint32_t pid)
{
	for (size_t i = 0; i < img->nprocs; i++)
		if (img->procs[i].p.pid == pid)
			return &img->procs[i];
	return NULL;
}

void *qri_grow(void **arr, size_t *n, size_t size)
{
	uint8_t *a = realloc(*arr, (*n + 1) * size);

	if (!a)
		return NULL;
	memset(a + *n * size, 0, size);
	*arr = a;
	return a + (*n)++ * size;
}

int qri_owner(struct qri_cursor *c, int type, uint32_t pid,
	      struct qri_proc_img **pr)
{
	*pr = find_proc(c->img, pid);
	if (!*pr)
		return BAD(c, type, "pid %" PRIu32 " has no process record before it",
			   pid);
	return 0;
}

static int read_process(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left)
{
	struct qri_proc_img *pr;
	struct qri_process p;

	memcpy(&p, fixed, sizeof(p));
	if (p.pid == 0 || p.pid >= QRI_PID_MAX)
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 " is out of range", p.pid);
	if (find_proc(c->img, p.pid) || qri_zombie_listed(c->img, p.pid))
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 " is listed twice", p.pid);
	if (p.ppid >= QRI_PID_MAX || p.pgid >= QRI_PID_MAX || p.sid >= QRI_PID_MAX)
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 ": parent, group or session out of range",
			   p.pid);
	if (p.comm[sizeof(p.comm) - 1] != '\0')
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 ": comm is not terminated",
			   p.pid);
	if (p.umask & ~0777u)
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 ": umask 0%" PRIo32 " is not a mode",
			   p.pid, p.umask);
	if ((uint64_t)p.cwd_len + p.root_len != left)
		return BAD(c, QRI_PROCESS, "pid %" PRIu32 ": paths do not fill the record",
			   p.pid);
	pr = qri_grow((void **)&c->img->procs, &c->img->nprocs, sizeof(*pr));
	if (!pr)
		return qr_err_set(c->e, "out of memory");
	pr->p = p;
	if (qri_take_path(c, QRI_PROCESS, "cwd", &tail, &left, p.cwd_len, &pr->cwd) ||
	    qri_take_path(c, QRI_PROCESS, "root", &tail, &left, p.root_len, &pr->root))
		return -1;
	return 0;
}

static bool tid_taken(const struct qri_image *img, uint32_t tid)
{
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nthreads; j++)
			if (img->procs[i].threads[j].t.tid == tid)
				return true;
	return false;
}

static int read_thread(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left)
{
	struct qri_thread_img *th;
	struct qri_proc_img *pr;
	struct qri_thread t;

	memcpy(&t, fixed, sizeof(t));
	if (qri_owner(c, QRI_THREAD, t.pid, &pr))
		return -1;
	if (t.tid == 0 || t.tid >= QRI_PID_MAX)
		return BAD(c, QRI_THREAD, "tid %" PRIu32 " is out of range", t.tid);
	if (tid_taken(c->img, t.tid))
		return BAD(c, QRI_THREAD, "tid %" PRIu32 " is listed twice", t.tid);
	if (t.regs_len != QRI_REGS_SIZE)
		return BAD(c, QRI_THREAD, "tid %" PRIu32 ": registers are %" PRIu32 " bytes, not %d",
			   t.tid, t.regs_len, QRI_REGS_SIZE);
	if (t.xstate_len &&
	    (t.xstate_len < QRI_XSTATE_MIN || t.xstate_len > QRI_MAX_BLOB))
		return BAD(c, QRI_THREAD, "tid %" PRIu32 ": FPU state of %" PRIu32 " bytes is out of bounds",
			   t.tid, t.xstate_len);
	if ((uint64_t)t.regs_len + t.xstate_len != left)
		return BAD(c, QRI_THREAD, "tid %" PRIu32 ": registers and FPU state do not fill the record",
			   t.tid);
	th = qri_grow((void **)&pr->threads, &pr->nthreads, sizeof(*th));
	if (!th)
		return qr_err_set(c->e, "out of memory");
	th->t = t;
	if (qri_take_blob(c, QRI_THREAD, "registers", &tail, &left, t.regs_len,
		      &th->regs))
		return -1;
	if (t.xstate_len && qri_take_blob(c, QRI_THREAD, "FPU state", &tail, &left,
				      t.xstate_len, &th->xstate))
		return -1;
	return 0;
}

/* A named object's name (a memfd's, or a file in /dev/shm) and fields. */
static bool bad_named(const struct qri_vma *v, const char *path)
{
	size_t n = strlen(path), del = strlen(" (deleted)");
	bool memfd = !strncmp(path, "/memfd:", 7);

	if (!path[0])
		return v->shm_object || v->shm_bytes || v->shm_mode ||
			v->shm_uid || v->shm_gid || v->shm_seals;
	if (memfd ? n < 7 + del || n - 7 - del > 249 ||
		    strcmp(path + n - del, " (deleted)") :
		    strncmp(path, "/dev/shm/", 9) || n == 9 ||
		    strstr(path, "/../") || strchr(path + 9, '/'))
		return true;
	return !v->shm_object || v->shm_mode & ~07777u ||
		v->shm_bytes > v->shm_size || v->shm_size - v->shm_bytes >= 4096 ||
		(v->shm_seals && !memfd) || v->shm_seals & ~0x3fu;
}

/* A System V attach: shared, no contents of its own (the segment's),
 * within a segment listed before. */
static bool bad_sysv(const struct qri_image *img, const struct qri_vma *v,
		     const char *path)
{
	const struct qri_sysv_shm *shm = qri_sysv_shm_of(img, v->shm_object);
	uint64_t size;

	if (!shm || path || !(v->flags & QRI_VMA_SHARED) ||
	    v->flags & (QRI_VMA_ANON | QRI_VMA_SHMEM) ||
	    v->pages_offset != QRI_NO_PAGES || v->shm_size || v->shm_bytes ||
	    v->shm_mode || v->shm_uid || v->shm_gid || v->shm_seals)
		return true;
	size = (shm->size + 4095) & ~4095ull;
	return v->pgoff > size / 4096 ||
		v->end - v->start > size - v->pgoff * 4096;
}

/* A shared memory area: shared, within its object, which any other area
 * naming it (by where it is saved) gives the same size and name. */
static bool bad_shmem(const struct qri_image *img, const struct qri_vma *v,
		      const char *path)
{
	if (!(v->flags & QRI_VMA_SHARED) || v->flags & QRI_VMA_ANON ||
	    v->pages_offset == QRI_NO_PAGES || v->pages_offset & 4095 ||
	    !v->shm_size || v->shm_size & 4095 || v->shm_size > QRI_USER_LIMIT ||
	    v->pgoff > v->shm_size / 4096 ||
	    v->end - v->start > v->shm_size - v->pgoff * 4096 ||
	    bad_named(v, path))
		return true;
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++) {
			const struct qri_vma_img *o = &img->procs[i].vmas[j];

			if (o->v.flags & QRI_VMA_SHMEM &&
			    o->v.pages_offset == v->pages_offset &&
			    (o->v.shm_size != v->shm_size ||
			     o->v.shm_object != v->shm_object ||
			     strcmp(o->path ? o->path : "", path)))
				return true;
		}
	return false;
}

static int read_vma(struct qri_cursor *c, const void *fixed, const uint8_t *tail,
		    size_t left)
{
	struct qri_vma_img *vm;
	struct qri_proc_img *pr;
	struct qri_vma v;
	char *path = NULL;

	memcpy(&v, fixed, sizeof(v));
	if (qri_owner(c, QRI_VMA, v.pid, &pr))
		return -1;
	if (v.start >= v.end || v.end > QRI_USER_LIMIT || (v.start | v.end) & 4095)
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": 0x%" PRIx64 "-0x%" PRIx64 " is not a page-aligned user range",
			   v.pid, v.start, v.end);
	if (pr->nvmas && v.start < pr->vmas[pr->nvmas - 1].v.end)
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": 0x%" PRIx64 " overlaps or precedes the area before it",
			   v.pid, v.start);
	if (v.prot & ~7u || v.flags & ~(uint32_t)QRI_VMA_KNOWN)
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": unknown protection 0x%" PRIx32 " or flags 0x%" PRIx32,
			   v.pid, v.prot, v.flags);
	if (v.advice & ~(uint32_t)QRI_ADV_KNOWN ||
	    (v.advice & QRI_ADV_LOCKONFAULT && !(v.advice & QRI_ADV_LOCKED)) ||
	    (v.advice & QRI_ADV_HUGEPAGE && v.advice & QRI_ADV_NOHUGEPAGE) ||
	    (v.advice & QRI_ADV_SEQUENTIAL && v.advice & QRI_ADV_RANDOM) ||
	    (v.advice & QRI_ADV_WIPEONFORK &&
	     (v.flags & QRI_VMA_SHARED || !(v.flags & QRI_VMA_ANON))))
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": advice 0x%" PRIx32 " at 0x%" PRIx64 " is not one the kernel gives",
			   v.pid, v.advice, v.start);
	if (v.path_len != left)
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": path does not fill the record",
			   v.pid);
	if ((v.flags & QRI_VMA_ANON) && v.path_len)
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": anonymous memory at 0x%" PRIx64 " names a file",
			   v.pid, v.start);
	if (v.path_len &&
	    qri_take_path(c, QRI_VMA, "path", &tail, &left, v.path_len, &path))
		return -1;
	if (v.flags & QRI_VMA_SYSV && bad_sysv(c->img, &v, path)) {
		free(path);
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": System V attach at 0x%" PRIx64 " names no segment before it, or lies outside it",
			   v.pid, v.start);
	}
	if (v.flags & QRI_VMA_SHMEM && bad_shmem(c->img, &v, path ? path : "")) {
		free(path);
		return BAD(c, QRI_VMA, "pid %" PRIu32 ": shared memory at 0x%" PRIx64 " is not within its object, its object has two sizes or names, or its name is not a memfd's or in /dev/shm",
			   v.pid, v.start);
	}
	vm = qri_grow((void **)&pr->vmas, &pr->nvmas, sizeof(*vm));
	if (!vm) {
		free(path);
		return qr_err_set(c->e, "out of memory");
	}
	vm->v = v;
	vm->path = path;
	return 0;
}

static int read_vma_own(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left)
{
	struct qri_vma_img *vm;
	struct qri_proc_img *pr;
	struct qri_vma_own o;
	uint64_t pages, next = 0;

	memcpy(&o, fixed, sizeof(o));
	if (qri_owner(c, QRI_VMA_OWN, o.pid, &pr))
		return -1;
	vm = pr->nvmas ? &pr->vmas[pr->nvmas - 1] : NULL;
	if (!vm || vm->v.start != o.start)
		return BAD(c, QRI_VMA_OWN, "pid %" PRIu32 ": 0x%" PRIx64 " is not the memory area before it",
			   o.pid, o.start);
	if (!vm->path || vm->v.flags & QRI_VMA_SHARED ||
	    vm->v.pages_offset == QRI_NO_PAGES || vm->own)
		return BAD(c, QRI_VMA_OWN, "pid %" PRIu32 ": 0x%" PRIx64 " is not a saved private file mapping, or has a second one",
			   o.pid, o.start);
	if (o.nruns > left / sizeof(struct qri_own_run) ||
	    (uint64_t)o.nruns * sizeof(struct qri_own_run) != left)
		return BAD(c, QRI_VMA_OWN, "pid %" PRIu32 ": %" PRIu32 " runs do not fill the record",
			   o.pid, o.nruns);
	if (qri_take_blob(c, QRI_VMA_OWN, "runs", &tail, &left, left,
			  (uint8_t **)&vm->own))
		return -1;
	vm->nown = o.nruns;
	pages = (vm->v.end - vm->v.start) / 4096;
	for (uint32_t i = 0; i < o.nruns; i++) {
		const struct qri_own_run *r = &vm->own[i];

		if (r->first < next || !r->count || r->first >= pages ||
		    r->count > pages - r->first)
			return BAD(c, QRI_VMA_OWN, "pid %" PRIu32 ": 0x%" PRIx64 ": run %" PRIu32 " (pages %" PRIu64 "+%" PRIu64 ") is out of order or outside the area",
				   o.pid, o.start, i, r->first, r->count);
		next = r->first + r->count;
	}
	return 0;
}

size_t qri_file_index(const struct qri_image *img, uint32_t id)
{
	size_t lo = 0, hi = img->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->files[mid].f.id == id)
			return mid;
		if (img->files[mid].f.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return img->nfiles;
}

/* A file's name: its /proc/PID/fd link ("/path", "pipe:[12]"). */
static int take_name(struct qri_cursor *c, const uint8_t **tail, size_t *left,
		     uint32_t len, char **out)
{
	if (len == 0 || len > QRI_MAX_PATH || len > *left)
		return BAD(c, QRI_FILE, "name length %" PRIu32 " is out of bounds",
			   len);
	if (memchr(*tail, '\0', len))
		return BAD(c, QRI_FILE, "name holds a %s byte", "NUL");
	*out = malloc(len + 1);
	if (!*out)
		return qr_err_set(c->e, "out of memory");
	memcpy(*out, *tail, len);
	(*out)[len] = '\0';
	*tail += len;
	*left -= len;
	return 0;
}

/* The kind's own data, as the kind reads it; none if it reads none. */
static int kind_data(struct qri_cursor *c, const struct qri_file_img *fi)
{
	const struct qr_fd_kind *k = qr_fd_kind(fi->f.kind);
	struct qr_err sub;

	if (k->valid ? !k->valid(fi, &sub) : !fi->f.data_len)
		return 0;
	if (!k->valid)
		return BAD(c, QRI_FILE, "id %" PRIu32 ": a %s has no data",
			   fi->f.id, k->name);
	return BAD(c, QRI_FILE, "id %" PRIu32 ": %s", fi->f.id, sub.msg);
}

static int read_file(struct qri_cursor *c, const void *fixed,
		     const uint8_t *tail, size_t left)
{
	struct qri_image *img = c->img;
	struct qri_file_img *fi;
	struct qri_file f;

	memcpy(&f, fixed, sizeof(f));
	/* Ascending, as written: found by bisection, each once. */
	if (f.id == 0 || (img->nfiles && f.id <= img->files[img->nfiles - 1].f.id))
		return BAD(c, QRI_FILE, "id %" PRIu32 " is 0, listed twice or out of order",
			   f.id);
	if (!qr_fd_kind(f.kind))
		return BAD(c, QRI_FILE, "id %" PRIu32 " has unknown kind %" PRIu32,
			   f.id, f.kind);
	if (f.owner_type > F_OWNER_PGRP || f.owner >= QRI_PID_MAX ||
	    f.signal > 64 || f.pad2)
		return BAD(c, QRI_FILE, "id %" PRIu32 ": signal-driven I/O to %" PRIu32 " (type %" PRIu32 "), signal %" PRIu32 ": not what capture writes",
			   f.id, f.owner, f.owner_type, f.signal);
	if (f.data_len > QRI_MAX_FILE_DATA ||
	    (uint64_t)f.path_len + f.data_len != left)
		return BAD(c, QRI_FILE, "id %" PRIu32 ": name and data do not fill the record",
			   f.id);
	fi = qri_grow((void **)&img->files, &img->nfiles, sizeof(*fi));
	if (!fi)
		return qr_err_set(c->e, "out of memory");
	fi->f = f;
	if (take_name(c, &tail, &left, f.path_len, &fi->path) ||
	    (f.data_len && qri_take_blob(c, QRI_FILE, "data", &tail, &left,
					 f.data_len, &fi->data)))
		return -1;
	return kind_data(c, fi);
}

static int read_fd(struct qri_cursor *c, const void *fixed, const uint8_t *tail,
		   size_t left)
{
	struct qri_image *img = c->img;
	struct qri_proc_img *pr;
	struct qri_fd_img *fi;
	struct qri_fd f;
	size_t file;

	(void)tail;
	(void)left;
	memcpy(&f, fixed, sizeof(f));
	if (qri_owner(c, QRI_FD, f.pid, &pr))
		return -1;
	if (f.fd >= QRI_FD_LIMIT)
		return BAD(c, QRI_FD, "pid %" PRIu32 ": fd %" PRIu32 " is out of range",
			   f.pid, f.fd);
	for (size_t i = 0; i < pr->nfds; i++)
		if (pr->fds[i].f.fd == f.fd)
			return BAD(c, QRI_FD, "pid %" PRIu32 ": fd %" PRIu32 " is listed twice",
				   f.pid, f.fd);
	file = qri_file_index(img, f.file);
	if (file == img->nfiles)
		return BAD(c, QRI_FD, "pid %" PRIu32 ": fd %" PRIu32 " names file %" PRIu32 ", not before it",
			   f.pid, f.fd, f.file);
	fi = qri_grow((void **)&pr->fds, &pr->nfds, sizeof(*fi));
	if (!fi)
		return qr_err_set(c->e, "out of memory");
	fi->f = f;
	fi->file = file;
	return 0;
}

struct record_kind {
	uint32_t fixed_size;	/* the least a record's fixed part may be */
	int (*read)(struct qri_cursor *c, const void *fixed, const uint8_t *tail,
		    size_t left);
};

/* The reader's struct, where fields were appended to it since the first
 * images: those an older record lacks read as 0. 0: as kinds[] says. */
static const uint32_t full_sizes[QRI_NTYPES] = {
	[QRI_VMA] = sizeof(struct qri_vma),
	[QRI_FILE] = sizeof(struct qri_file),
	[QRI_SIGNALS] = sizeof(struct qri_signals),
	[QRI_THREAD_SIGNALS] = sizeof(struct qri_thread_signals),
};

static const struct record_kind kinds[QRI_NTYPES] = {
	[QRI_PROCESS] = { sizeof(struct qri_process), read_process },
	[QRI_THREAD] = { sizeof(struct qri_thread), read_thread },
	[QRI_VMA] = { offsetof(struct qri_vma, advice), read_vma },
	[QRI_FILE] = { offsetof(struct qri_file, owner_type), read_file },
	[QRI_FD] = { sizeof(struct qri_fd), read_fd },
	[QRI_VMA_OWN] = { sizeof(struct qri_vma_own), read_vma_own },
	[QRI_MM] = { sizeof(struct qri_mm), qri_read_mm },
	[QRI_SIGNALS] = { offsetof(struct qri_signals, child_subreaper),
			  qri_read_signals },
	[QRI_RLIMITS] = { sizeof(struct qri_rlimits), qri_read_rlimits },
	[QRI_TIMERS] = { sizeof(struct qri_timers), qri_read_timers },
	[QRI_THREAD_SIGNALS] = { offsetof(struct qri_thread_signals,
					  pdeath_signal),
				 qri_read_thread_signals },
	[QRI_THREAD_RESTART] = { sizeof(struct qri_thread_restart),
				 qri_read_thread_restart },
	[QRI_PAGE_RUNS] = { sizeof(struct qri_page_runs), qri_read_page_runs },
	[QRI_ZOMBIE] = { sizeof(struct qri_zombie), qri_read_zombie },
	[QRI_CLOCKS] = { sizeof(struct qri_clocks), qri_read_clocks },
	[QRI_PAGES_SEAL] = { sizeof(struct qri_pages_seal), qri_read_seal },
	[QRI_CREDS] = { sizeof(struct qri_creds), qri_read_creds },
	[QRI_PROC_ATTRS] = { sizeof(struct qri_proc_attrs), qri_read_proc_attrs },
	[QRI_THREAD_SCHED] = { sizeof(struct qri_thread_sched),
			       qri_read_thread_sched },
	[QRI_PROOF] = { sizeof(struct qri_proof), qri_read_proof },
	[QRI_SYSV_SHM] = { sizeof(struct qri_sysv_shm), qri_read_sysv_shm },
	[QRI_SYSV_SEM] = { sizeof(struct qri_sysv_sem), qri_read_sysv_sem },
	[QRI_SEM_UNDO] = { sizeof(struct qri_sem_undo), qri_read_sem_undo },
	[QRI_SYSV_MSG] = { sizeof(struct qri_sysv_msg), qri_read_sysv_msg },
	[QRI_SYSV_USERS] = { sizeof(struct qri_sysv_users), qri_read_sysv_users },
	[QRI_MOUNT] = { sizeof(struct qri_mount), qri_read_mount },
	[QRI_MOUNT_ENTRY] = { sizeof(struct qri_mount_entry), qri_read_mount_entry },
	[QRI_PROC_MNTNS] = { sizeof(struct qri_proc_mntns), qri_read_proc_mntns },
	[QRI_SECCOMP_FILTER] = { sizeof(struct qri_seccomp_filter),
				 qri_read_seccomp_filter },
	[QRI_THREAD_SECCOMP] = { sizeof(struct qri_thread_seccomp),
				 qri_read_thread_seccomp },
	[QRI_RUN_MOUNT] = { sizeof(struct qri_run_mount), qri_read_run_mount },
	[QRI_RUN_ENTRY] = { sizeof(struct qri_run_entry), qri_read_run_entry },
	[QRI_VMA_INHERIT] = { sizeof(struct qri_vma_inherit),
			      qri_read_vma_inherit },
};

static int read_record(struct qri_cursor *c)
{
	const struct record_kind *k = NULL;
	/* Aligned: the readers copy the fixed part into their struct. */
	_Alignas(8) uint8_t fixed[QRI_FIXED_MAX];
	struct qri_record r;
	size_t left = c->len - c->pos, padded;

	if (left < sizeof(r))
		return qr_err_set(c->e, "image record %" PRIu32 ": truncated header",
				  c->index);
	memcpy(&r, c->buf + c->pos, sizeof(r));
	left -= sizeof(r);
	if (r.length > left || r.fixed_size > r.length)
		return qr_err_set(c->e, "image record %" PRIu32 ": length %" PRIu64 " (fixed part %" PRIu32 ") runs past the end",
				  c->index, r.length, r.fixed_size);
	padded = r.length + (QRI_ALIGN - r.length % QRI_ALIGN) % QRI_ALIGN;
	if (padded > left)
		return qr_err_set(c->e, "image record %" PRIu32 ": padding runs past the end",
				  c->index);
	if (r.type < sizeof(kinds) / sizeof(kinds[0]))
		k = &kinds[r.type];
	if (!k || !k->read) {
		if (!(r.flags & QRI_REC_OPTIONAL))
			return qr_err_set(c->e, "image record %" PRIu32 ": unknown type %u (written by a newer quickreboot?)",
					  c->index, r.type);
		c->img->skipped++;
	} else {
		const uint8_t *payload = c->buf + c->pos + sizeof(r);
		uint32_t full = full_sizes[r.type] ? full_sizes[r.type] : k->fixed_size;
		uint32_t take = r.fixed_size < full ? r.fixed_size : full;

		if (r.fixed_size < k->fixed_size)
			return qr_err_set(c->e, "image record %" PRIu32 " (%s): fixed part of %" PRIu32 " bytes is shorter than %" PRIu32,
					  c->index, qri_type_names[r.type],
					  r.fixed_size, k->fixed_size);
		/* Fields added after this reader was written are skipped;
		 * those added after the record was written read as 0. */
		memset(fixed, 0, sizeof(fixed));
		memcpy(fixed, payload, take);
		if (k->read(c, fixed, payload + r.fixed_size,
			    r.length - r.fixed_size))
			return -1;
	}
	c->pos += sizeof(r) + padded;
	return 0;
}

static int check_header(const uint8_t *buf, size_t len, struct qri_header *h,
			struct qr_err *e)
{
	uint32_t crc;

	if (len < sizeof(*h))
		return qr_err_set(e, "image of %zu bytes is shorter than its header",
				  len);
	memcpy(h, buf, sizeof(*h));
	if (memcmp(h->magic, QRI_MAGIC, sizeof(h->magic)))
		return qr_err_set(e, "not a quickreboot image (bad magic)");
	if (h->version != QRI_VERSION)
		return qr_err_set(e, "image version %" PRIu32 " is not supported (this quickreboot reads %d)",
				  h->version, QRI_VERSION);
	crc = h->header_crc32;
	h->header_crc32 = 0;
	if (qr_crc32(0, h, sizeof(*h)) != crc)
		return qr_err_set(e, "image header checksum mismatch");
	h->header_crc32 = crc;
	if (h->header_size != sizeof(*h) || h->flags)
		return qr_err_set(e, "image header size %" PRIu32 " or flags 0x%" PRIx32 " unknown",
				  h->header_size, h->flags);
	if (h->total_size != len || len > QRI_MAX_SIZE)
		return qr_err_set(e, "image says %" PRIu64 " bytes but has %zu (truncated or extended?)",
				  h->total_size, len);
	if (qr_crc32(0, buf + sizeof(*h), len - sizeof(*h)) != h->body_crc32)
		return qr_err_set(e, "image body checksum mismatch (corrupt)");
	return 0;
}

/* Every process has its main thread (tid == pid). */
static int check_complete(const struct qri_image *img, struct qr_err *e)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *pr = &img->procs[i];
		size_t j;

		for (j = 0; j < pr->nthreads; j++)
			if (pr->threads[j].t.tid == pr->p.pid)
				break;
		if (j == pr->nthreads)
			return qr_err_set(e, "image: process %" PRIu32 " has no main thread",
					  pr->p.pid);
	}
	return 0;
}

int qri_parse(const void *buf, size_t len, struct qri_image *img,
	      struct qr_err *e)
{
	struct qri_cursor c = { .buf = buf, .len = len, .img = img, .e = e };

	memset(img, 0, sizeof(*img));
	if (check_header(buf, len, &img->h, e))
		return -1;
	c.pos = sizeof(img->h);
	for (; c.pos < len; c.index++) {
		if (c.index == img->h.record_count) {
			qr_err_set(e, "image has more records than the %" PRIu32 " its header counts",
				   img->h.record_count);
			goto fail;
		}
		if (read_record(&c))
			goto fail;
	}
	if (c.index != img->h.record_count) {
		qr_err_set(e, "image has %" PRIu32 " records, its header counts %" PRIu32,
			   c.index, img->h.record_count);
		goto fail;
	}
	if (check_complete(img, e) || qri_collect_frames(img, e))
		goto fail;
	return 0;
fail:
	qri_free(img);
	return -1;
}

void qri_free(struct qri_image *img)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		struct qri_proc_img *pr = &img->procs[i];

		for (size_t j = 0; j < pr->nthreads; j++) {
			free(pr->threads[j].regs);
			free(pr->threads[j].xstate);
			free(pr->threads[j].sig);
			free(pr->threads[j].pending);
			free(pr->threads[j].restart);
			free(pr->threads[j].sched);
			free(pr->threads[j].cpus);
			free(pr->threads[j].seccomp);
		}
		for (size_t j = 0; j < pr->nvmas; j++) {
			free(pr->vmas[j].path);
			free(pr->vmas[j].runs);
			free(pr->vmas[j].own);
			free(pr->vmas[j].inherit);
		}
		free(pr->threads);
		free(pr->vmas);
		free(pr->fds);
		free(pr->cwd);
		free(pr->root);
		if (pr->mm) {
			free(pr->mm->auxv);
			free(pr->mm->exe);
			free(pr->mm);
		}
		free(pr->sig);
		free(pr->pending);
		free(pr->rlimits);
		free(pr->timers);
		free(pr->timer);
		free(pr->semadj);
		free(pr->creds);
		free(pr->groups);
		free(pr->attrs);
		free(pr->proof);
		for (size_t j = 0; j < pr->nfilters; j++)
			free(pr->filters[j].insns);
		free(pr->filters);
	}
	free(img->procs);
	qri_free_sysv(img);
	qri_free_mounts(img);
	qri_free_runs(img);
	free(img->frames);
	free(img->zombies);
	for (size_t i = 0; i < img->nfiles; i++) {
		free(img->files[i].path);
		free(img->files[i].data);
	}
	free(img->files);
	free(img->clocks);
	free(img->seal);
	free(img->seal_sums);
	memset(img, 0, sizeof(*img));
}
