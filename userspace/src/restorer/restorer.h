/* The contract between quickreboot's restore code and the restorer blob
 * (restorer/blob.c): the blob runs alone in the process once everything
 * else is unmapped, so all it needs is in one struct at a fixed place of
 * its region, written before the jump. Fixed-width types only: the blob is
 * built without libc. */
#ifndef QR_RESTORER_H
#define QR_RESTORER_H

#include <stdint.h>

#define QR_RST_MAX_TRAMPS 32
#define QR_TRAMP_LEN 13	/* movabs $to, %r11; jmp *%r11 */
#define QR_RST_MAX_THREADS 256
/* A thread's affinity: up to 1024 CPUs (check refuses more). */
#define QR_RST_CPU_WORDS 16
/* Pending signals of the threads other than the first, all together. */
#define QR_RST_MAX_SIGQ 1024
#define QR_RST_SIGINFO_SIZE 128
/* Each thread's slot in the region: where its signal frame is built (the
 * xstate inside it included), then its stack in the restorer. */
#define QR_RST_FRAME_MAX (16 * 1024)
#define QR_RST_STACK (32 * 1024)
/* The kernel's red zone below a user stack pointer (x86-64 ABI). */
#define QR_RED_ZONE 128

#define QR_RST_MAP_ANON 0x1	/* else: the file in fd */
#define QR_RST_MAP_SHARED 0x2
#define QR_RST_MAP_GROWSDOWN 0x4
#define QR_RST_MAP_RUNS 0x8	/* fill only runs[runs_first..+runs_count) */
/* A System V attach: at pgoff 0 shmat of segment shmid (the whole of it),
 * after it the rest of that attach; either way then its protection. */
#define QR_RST_MAP_SYSV 0x10
/* Private anonymous memory filled before the children were forked, at
 * premap (restore/premap.h): moved to start with mremap, its frames (zero
 * copy) adopted after. */
#define QR_RST_MAP_PREMAP 0x20
/* Runs of own pages of private file mappings, all together; an area whose
 * runs do not fit is filled whole (as it was at checkpoint). */
#define QR_RST_MAX_RUNS 4096

struct qr_rst_vma {
	uint64_t start, len;
	uint64_t pgoff;		/* bytes */
	uint64_t pages_off;	/* in the pages file; UINT64_MAX: nothing saved */
	int32_t fd;		/* -1 for anonymous memory */
	uint32_t prot;
	uint32_t how;		/* QR_RST_MAP_* */
	uint32_t nops;		/* zero copy: its page operations, from first_op */
	uint64_t first_op;
	uint32_t runs_first, runs_count;	/* own pages (QR_RST_MAP_RUNS) */
	uint32_t advice;	/* QRI_ADV_*: madvise and mlock once filled */
	int32_t shmid;		/* QR_RST_MAP_SYSV */
	uint64_t premap;	/* QR_RST_MAP_PREMAP */
};

/* What the blob does not unmap: the region and the premaps. */
struct qr_rst_range {
	uint64_t start, end;
};

/* Zero copy: what fills part of an area once it is mapped. */
#define QR_RST_OP_FILL 1	/* nr pages read from the pages file at arg */
#define QR_RST_OP_ADOPT 2	/* the nr frames listed at address arg become
				 * the pages (QR_RESTORE_IOC_ADOPT) */

struct qr_rst_op {
	uint64_t addr, nr;
	uint64_t arg;
	uint32_t kind;
	uint32_t pad;
};

/* Bytes from the area's start; also from its contents' start in pages. */
struct qr_rst_run {
	uint64_t off, len;
};

/* A jump written at an entry point of the old vDSO's copy to the same
 * function in the New kernel's vDSO (their layouts differ across kernels). */
struct qr_rst_tramp {
	uint64_t from, to;
};

/* The kernel's struct prctl_mm_map (user ABI, include/uapi/linux/prctl.h). */
struct qr_rst_mm_map {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv;		/* pointer */
	uint32_t auxv_size;
	uint32_t exe_fd;
};

/* Where the restorer stopped, written to status_fd: 0 is success. */
enum qr_rst_step {
	QR_RST_OK = 0,
	QR_RST_UNMAP, QR_RST_MAP, QR_RST_FILL, QR_RST_PROTECT, QR_RST_VDSO,
	QR_RST_MM, QR_RST_CREDS, QR_RST_TLS, QR_RST_THREAD, QR_RST_SIGNALS,
	QR_RST_ADOPT, QR_RST_SCHED, QR_RST_ADVICE, QR_RST_SECCOMP,
};

/* A seccomp filter to install (struct sock_filter[len] at insns, in the
 * region), with SECCOMP_FILTER_FLAG_* flags. */
struct qr_rst_filter {
	uint64_t insns;
	uint32_t len, flags;
};

/* On success the status is followed by struct qr_rst_times. */
struct qr_rst_times {
	uint64_t adopt_ns, fill_ns;	/* in ADOPT, and reading pages */
	uint32_t adopt_mode;		/* QR_MODE_* the module used; 0: none */
	uint32_t pad;
};

/* One thread to bring back. Its signal frame is built in the region (at
 * frame_src, as if at frame_dst) and copied by the restorer to frame_dst,
 * just below the thread's own stack pointer and red zone, where the kernel
 * itself would put a signal frame: the last instructions then need nothing
 * of the region, which can go. */
struct qr_rst_thread {
	int32_t tid;
	uint32_t rseq_len, rseq_sig;
	int32_t pdeath_signal;		/* set after its credentials; 0: none */
	uint64_t fs_base, gs_base;
	uint64_t frame_src, frame_dst, frame_len;
	uint64_t frame;			/* the ucontext: rsp for rt_sigreturn */
	uint64_t stack_top;		/* its stack in the restorer */
	uint64_t clear_child_tid;	/* set_tid_address */
	uint64_t robust_list, robust_len;	/* set_robust_list; 0: none */
	uint64_t rseq_ptr;		/* re-registered; 0: none */
	/* Its own pending signals: sigq[sigq_first..+sigq_count), queued
	 * by the thread itself (threads other than the first only). */
	uint32_t sigq_first, sigq_count;
	/* Its scheduling, set by the thread itself before its credentials
	 * (a higher priority needs CAP_SYS_NICE): sched_valid 0 leaves what
	 * it inherits. cpus: its affinity, cpus_len bytes. Its I/O priority
	 * (0: none set) and timer slack too. */
	uint32_t sched_valid, policy, rt_priority;
	int32_t nice;
	uint32_t cpus_len, ioprio;
	uint64_t cpus[QR_RST_CPU_WORDS];
	uint64_t timerslack_ns;
	/* Its seccomp filters, oldest first: filters[seccomp_first..
	 * +seccomp_count), installed by the thread itself last. */
	uint32_t seccomp_first, seccomp_count;
};

struct qr_rst_args {
	uint64_t region_start, region_end;	/* kept mapped: the blob itself */
	uint64_t task_size;			/* unmap up to here */
	int32_t pages_fd, status_fd;
	uint32_t nvmas, ntramps;
	int32_t restore_fd;			/* /dev/qr-restore; -1: none */
	uint32_t pad;
	uint64_t ops;				/* struct qr_rst_op[], in the region */
	/* struct qr_rst_range[nkeep], ascending, in the region. */
	uint64_t keep_ranges;
	uint32_t nkeep;
	/* PR_SET_THP_DISABLE to thp_disabled once the areas are made, if
	 * thp_set (premaps: disabled until then). */
	uint8_t thp_set, thp_disabled;
	uint16_t pad4;
	struct qr_rst_times times;
	uint64_t vdso_vvar_addr;		/* ARCH_MAP_VDSO_64 argument; 0: none */
	uint64_t tramp_page, tramp_len;		/* old vDSO copy: made RX after patching */
	uint32_t uid[4], gid[4];		/* real, effective, saved, fs */
	/* What each thread may do beyond its ids (image QRI_CREDS), set
	 * after them; creds_valid 0: uids and gids only. groups: ngroups
	 * uint32_t in the region. */
	int32_t creds_valid;
	uint32_t no_new_privs;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint64_t groups;
	uint32_t ngroups, pad3;
	uint64_t filters;			/* struct qr_rst_filter[] */
	struct qr_rst_mm_map mm;
	int32_t mm_valid;
	int32_t close_fds[8];			/* helper fds, -1 for none */
	/* The exit: every thread jumps to the exit stub (qr_exit_stub) with
	 * its frame, the last one out unmaps the region there. The stub is
	 * copied to exit_stub in the old vDSO's copy, whose code nothing runs
	 * any more (every entry jumps to the new vDSO); exit_stub 0: no room
	 * there, the stub runs from the region, which then stays mapped. */
	uint64_t exit_stub;
	uint32_t nthreads;
	uint32_t ready, go, left;		/* the barrier, see the blob */
	/* The other processes of the tree: the last thread at the barrier
	 * waits for the end of file here before it opens the gate. */
	int32_t go_fd;
	/* The region's end that stays mapped after the restore (threads'
	 * sleep stubs, restore/restart.h): not unmapped on the way out. */
	uint64_t keep_start, keep_len;
	struct qr_rst_thread threads[QR_RST_MAX_THREADS];
	struct qr_rst_tramp tramps[QR_RST_MAX_TRAMPS];
	uint8_t auxv[1024];
	uint8_t sigq[QR_RST_MAX_SIGQ][QR_RST_SIGINFO_SIZE];	/* siginfo_t */
	struct qr_rst_run runs[QR_RST_MAX_RUNS];
	/* The memory areas, nvmas of them (as many as the process had: the
	 * region is sized for them). */
	struct qr_rst_vma vmas[];
};

/* The blob, embedded in quickreboot (restorer/embed.S); its entry point is
 * its first byte: void entry(struct qr_rst_args *), on its own stack. */
extern const unsigned char qr_restorer_code[], qr_restorer_code_end[];

/* The exit stub's length in bytes (restorer/blob.c; checked at build). */
#define QR_EXIT_STUB_LEN 32

#endif
