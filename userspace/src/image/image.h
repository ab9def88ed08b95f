/* The checkpoint image in memory: built by the writer, checked and read by
 * the reader. Pure: no I/O. See image/format.h for the layout. */
#ifndef QR_IMAGE_H
#define QR_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "image/format.h"

/* A pending signal: a siginfo_t as rt_sigqueueinfo takes it. */
struct qri_siginfo {
	uint8_t b[QRI_SIGINFO_SIZE];
};

struct qri_thread_img {
	struct qri_thread t;
	uint8_t *regs;		/* t.regs_len bytes */
	uint8_t *xstate;	/* t.xstate_len bytes, or NULL */
	struct qri_thread_signals *sig;	/* NULL when the image has none */
	struct qri_siginfo *pending;	/* sig->nr_pending */
	struct qri_thread_restart *restart;	/* NULL when none */
	struct qri_thread_sched *sched;	/* NULL when the image has none */
	uint8_t *cpus;			/* sched->ncpus / 8 bytes */
	struct qri_thread_seccomp *seccomp;	/* NULL: no filter */
};

struct qri_mm_img {
	struct qri_mm m;
	uint8_t *auxv;		/* m.auxv_len bytes */
	char *exe;		/* NULL when unknown */
};

struct qri_vma_img {
	struct qri_vma v;
	char *path;		/* NULL for anonymous memory */
	struct qri_page_run *runs;	/* zero copy: QRI_PAGE_RUNS, or NULL */
	size_t nruns;
	struct qri_own_run *own;	/* NULL: no QRI_VMA_OWN, fill it all */
	uint32_t nown;
	/* Pages shared with the parent (QRI_VMA_INHERIT), or NULL. */
	struct qri_own_run *inherit;
	uint32_t ninherit;
};

struct qri_file_img {
	struct qri_file f;
	char *path;
	uint8_t *data;		/* f.data_len bytes, or NULL */
};

struct qri_fd_img {
	struct qri_fd f;
	size_t file;		/* its file: an index of qri_image.files */
};

struct qri_seccomp_img {
	struct qri_seccomp_filter f;
	uint8_t *insns;		/* f.ninsns * 8 bytes */
	uint32_t path;		/* its chain's instructions, as the kernel counts */
	uint32_t depth;		/* filters in its chain, itself included */
};

struct qri_proc_img {
	struct qri_process p;
	char *cwd, *root;
	struct qri_thread_img *threads;
	size_t nthreads;
	struct qri_vma_img *vmas;	/* sorted, not overlapping */
	size_t nvmas;
	struct qri_fd_img *fds;
	size_t nfds;
	struct qri_mm_img *mm;		/* NULL when the image has none */
	struct qri_signals *sig;	/* NULL when the image has none */
	struct qri_siginfo *pending;	/* sig->nr_pending, shared */
	struct qri_rlimit *rlimits;	/* NULL when the image has none */
	uint32_t nrlimits;
	struct qri_timers *timers;	/* NULL when the image has none */
	struct qri_posix_timer *timer;	/* timers->count, by id */
	struct qri_sem_adj *semadj;	/* nsemadj, by (semid, semnum) */
	uint32_t nsemadj;
	struct qri_creds *creds;	/* NULL when the image has none */
	uint32_t *groups;		/* creds->ngroups */
	struct qri_proc_attrs *attrs;	/* NULL when the image has none */
	char *proof;			/* its view (proof/), NULL if none */
	uint64_t mntns;		/* its QRI_MOUNT namespace, 0: init's */
	struct qri_seccomp_img *filters;	/* by id */
	size_t nfilters;
};

struct qri_sem_img {
	struct qri_sysv_sem s;
	uint32_t *values;	/* s.nsems */
};

struct qri_msg_img {
	struct qri_sysv_msg q;
	uint8_t *msgs;		/* the record's tail, checked */
	size_t len;
};

struct qri_sysv_users_img {
	struct qri_sysv_users u;
	uint32_t *pids;		/* u.count */
};

struct qri_mount_entry_img {
	struct qri_mount_entry e;
	char *path;		/* "" for the mount's root */
	uint8_t *data;		/* e.size bytes */
	uint32_t run_flags;	/* a QRI_RUN_ENTRY's flags; 0 in a mount */
};

struct qri_mount_img {
	struct qri_mount m;
	char *root, *point, *fstype, *source, *super, *host;
	struct qri_mount_entry_img *entries;
	size_t nentries;
	uint64_t bytes;		/* of the entries' data */
};

/* A QRI_RUN_MOUNT with its files, held as a mount's (e.ns 0, e.mount
 * its id). */
struct qri_run_img {
	struct qri_run_mount m;
	char *point;
	struct qri_mount_entry_img *entries;
	size_t nentries;
	uint64_t bytes;
};

struct qri_image {
	struct qri_header h;
	/* Kept files under /run (image/read_run.c), before the processes. */
	struct qri_run_img *runs;
	size_t nruns;
	/* Mount namespaces (image/read_mntns.c), before the processes: every
	 * namespace's mounts, each namespace's together, its root first. */
	struct qri_mount_img *mounts;
	size_t nmounts;
	/* System V IPC (image/read_sysv.c), before the processes. */
	struct qri_sysv_shm *shms;
	size_t nshms;
	struct qri_sem_img *sems;
	size_t nsems;
	struct qri_msg_img *msgqs;
	size_t nmsgqs;
	struct qri_sysv_users_img *sysv_users;
	size_t nsysv_users;
	struct qri_proc_img *procs;
	size_t nprocs;
	struct qri_zombie *zombies;
	size_t nzombies;
	struct qri_file_img *files;
	size_t nfiles;
	struct qri_clocks *clocks;	/* NULL when the image has none */
	struct qri_pages_seal *seal;	/* NULL when the image has none */
	uint64_t *seal_sums;		/* seal->nblocks block sums */
	size_t skipped;		/* optional records of unknown types */
	uint64_t *frames;	/* every frame of every QRI_RUN_FRAMES run,
				 * ascending, each once */
	size_t nframes;
};

/* Checks everything (header, checksums, every record's bounds and fields,
 * references between records) before returning an image; on any problem
 * returns -1 with a message naming it, and img holds nothing. */
int qri_parse(const void *buf, size_t len, struct qri_image *img,
	      struct qr_err *e);
void qri_free(struct qri_image *img);

/* The System V segment of id, NULL if none. */
const struct qri_sysv_shm *qri_sysv_shm_of(const struct qri_image *img,
					   uint32_t id);

/* Whether restore makes a POSIX timer on clock (QRI_CLOCK_*): those the
 * time namespace carries, not the alarm or CPU-time ones. */
bool qri_timer_clock(int32_t clock);

/* The index in img->files of file id (ascending ids), img->nfiles if
 * none. */
size_t qri_file_index(const struct qri_image *img, uint32_t id);

/* Pages shared with the parent since a fork (QRI_VMA_INHERIT). */
/* Private anonymous memory other than a stack, which such pages need. */
bool qri_vma_inheritable(const struct qri_vma_img *vm);
/* The process pid, or its area starting at start; NULL if none. */
const struct qri_proc_img *qri_proc_of(const struct qri_image *img,
				       uint32_t pid);
const struct qri_vma_img *qri_vma_at(const struct qri_proc_img *pr,
				     uint64_t start);
/* Whether page (from the area's start) is the parent's. */
bool qri_page_inherited(const struct qri_vma_img *vm, uint64_t page);
/* Where in the pages file the contents of page of vm (pr's) are saved,
 * going up through the parents whose page it is: 0, or -1 if they are
 * nowhere (a frame, or not present: zero copy). */
int qri_inherited_offset(const struct qri_image *img,
			 const struct qri_proc_img *pr,
			 const struct qri_vma_img *vm, uint64_t page,
			 uint64_t *off);

/* The writer: records are appended in order; a process's record comes
 * before its threads, memory areas and files. */
struct qri_writer {
	uint8_t *buf;
	size_t len, cap;
	uint32_t records;
	int oom;
};

void qri_writer_init(struct qri_writer *w, const char *origin);
void qri_add_process(struct qri_writer *w, const struct qri_process *p,
		     const char *cwd, const char *root);
void qri_add_thread(struct qri_writer *w, const struct qri_thread *t,
		    const void *regs, const void *xstate);
void qri_add_vma(struct qri_writer *w, const struct qri_vma *v,
		 const char *path);
/* A file before the fds naming it; data: f->data_len bytes. */
void qri_add_file(struct qri_writer *w, const struct qri_file *f,
		  const char *path, const void *data);
void qri_add_fd(struct qri_writer *w, const struct qri_fd *f);
void qri_add_mm(struct qri_writer *w, const struct qri_mm *m,
		const void *auxv, const char *exe);
void qri_add_signals(struct qri_writer *w, const struct qri_signals *s,
		     const struct qri_siginfo *pending);
void qri_add_timers(struct qri_writer *w, const struct qri_timers *t,
		    const struct qri_posix_timer *timer);
void qri_add_rlimits(struct qri_writer *w, uint32_t pid,
		     const struct qri_rlimit *r, uint32_t count);
void qri_add_thread_signals(struct qri_writer *w,
			    const struct qri_thread_signals *s,
			    const struct qri_siginfo *pending);
void qri_add_thread_restart(struct qri_writer *w,
			    const struct qri_thread_restart *r);
void qri_add_page_runs(struct qri_writer *w, uint32_t pid, uint64_t vma_start,
		       const struct qri_page_run *runs, uint64_t n);
void qri_add_creds(struct qri_writer *w, const struct qri_creds *c,
		   const uint32_t *groups);
void qri_add_proc_attrs(struct qri_writer *w, const struct qri_proc_attrs *a);
/* After its thread record; cpus: s->ncpus / 8 bytes. */
void qri_add_thread_sched(struct qri_writer *w, const struct qri_thread_sched *s,
			  const uint8_t *cpus);
void qri_add_zombie(struct qri_writer *w, const struct qri_zombie *z);
/* Before the first process: the clocks at the checkpoint. */
void qri_add_clocks(struct qri_writer *w, const struct qri_clocks *k);
/* After its private file mapping's qri_add_vma: its own pages. */
void qri_add_vma_own(struct qri_writer *w, uint32_t pid, uint64_t start,
		     const struct qri_own_run *runs, uint32_t nruns);
void qri_add_vma_inherit(struct qri_writer *w, uint32_t pid, uint64_t start,
			 const struct qri_own_run *runs, uint32_t nruns);
/* A mount of a namespace (the lengths are the strings'; host NULL for
 * none), before the first process; then its files, each after its
 * directory (data: e->size bytes). */
void qri_add_mount(struct qri_writer *w, const struct qri_mount *m,
		   const char *root, const char *point, const char *fstype,
		   const char *source, const char *super, const char *host);
void qri_add_mount_entry(struct qri_writer *w, const struct qri_mount_entry *e,
			 const char *path, const void *data);
/* A tmpfs at /run or below, before the first process; then its files,
 * each after its directory, the root first (data: e->size bytes). */
void qri_add_run_mount(struct qri_writer *w, uint32_t id, const char *point);
void qri_add_run_entry(struct qri_writer *w, const struct qri_run_entry *e,
		       const char *path, const void *data);
/* Any record, as it is: for new record types and for tests. */
void qri_add_raw(struct qri_writer *w, uint16_t type, uint16_t flags,
		 const void *fixed, uint32_t fixed_size,
		 const void *tail, size_t tail_len);
/* Seals the header and checksums; the image is w->buf, w->len bytes.
 * Returns -1 if memory ran out at any point. */
int qri_finish(struct qri_writer *w);
void qri_writer_free(struct qri_writer *w);

#endif
