/* Capture of a frozen process (checkpoint/freeze.h) into checkpoint image
 * records and the pages file: through user ABI (/proc/PID files, system
 * calls) and, for what has none on a frozen thread, pfncheck's ioctls. */
#ifndef QR_CAPTURE_H
#define QR_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint/zc.h"
#include "checkpoint/freeze.h"
#include "image/image.h"
#include "image/seal.h"

/* Where page contents go: the pages file, its size so far, and its seal,
 * summed as it is written. */
struct qr_pages {
	int fd;
	uint64_t off;
	struct qr_seal seal;
	/* Shared anonymous memory saved so far: saved once, whoever maps
	 * it. */
	struct qr_shm_saved {
		uint64_t inode, dev, off, size;
		/* A memfd or /dev/shm file's (qri_vma's shm_*); 0 else. */
		uint64_t object, bytes;
		uint32_t mode, uid, gid, seals;
	} *shm;
	size_t nshm;
	/* Private anonymous areas saved so far (checkpoint/inherit.h). */
	struct qr_anon_saved {
		pid_t pid;
		uint64_t start, end;
	} *anon;
	size_t nanon;
	uint64_t inherited;	/* pages shared with a parent, not saved */
};

/* Copies [start, end) of the file mem into the pages file (buf: 1 MiB
 * of room); a page that cannot be read is saved as zeros. */
int qr_pages_copy(int mem, struct qr_pages *pg, uint64_t start,
		  uint64_t end, uint8_t *buf);

/* System V IPC of the kept processes (checkpoint/sysv.c): with w NULL,
 * what check refuses (how many, each printed; with say, what it carries
 * too, on stdout); else their records and segments' contents, before the
 * processes'. -1 having printed why. */
int qr_sysv_capture(struct qri_writer *w, struct qr_pages *pg,
		    const pid_t *pids, int n, bool say);

/* Resources that cannot be carried: prints one line per resource naming
 * the process, returns how many; -1 when the process cannot be read (it
 * exited, or permission), having said so. Needs no stop; nothing is
 * changed. */
int qr_capture_check(pid_t pid);

/* Writes the whole process (process, memory fields, threads, memory
 * areas with their contents; its files come after all processes:
 * fds/fds.h) to w and pg. f: the process, frozen
 * through pfncheck_fd. zc: zero copy (its m and boot set), or NULL for
 * copy mode. Returns -1 after printing what failed. */
int qr_capture_process(struct qri_writer *w, struct qr_pages *pg,
		       int pfncheck_fd, const struct qr_frozen *f,
		       struct qr_zc *zc);

/* Pieces of the above, one file each. */
int qr_capture_thread(struct qri_writer *w, int pfncheck_fd, pid_t pid,
		      const struct pfncheck_thread *t);
/* The sleep a thread was frozen in, if the kernel would continue it
 * from its restart_block (checkpoint/restart.c); nothing otherwise. */
int qr_capture_restart(struct qri_writer *w, pid_t pid,
		       const struct pfncheck_thread *t);
/* *heap_end: the end of [heap] (brk rounded up to a page), 0 if none.
 * ppid: its parent, whose pages it may share (checkpoint/inherit.h). */
int qr_capture_memory(struct qri_writer *w, struct qr_pages *pg, pid_t pid,
		      pid_t ppid, uint64_t *heap_end, struct qr_zc *zc);
/* Resource limits, by prlimit(2). */
int qr_capture_rlimits(struct qri_writer *w, pid_t pid);
/* Signal actions, interval timers and pending signals of the process,
 * each thread's sigaltstack and pending signals (PFNCHECK_IOC_SIGSTATE):
 * after the thread records. */
int qr_capture_signals(struct qri_writer *w, int pfncheck_fd,
		       const struct qr_frozen *f);
/* Its POSIX timers (PFNCHECK_IOC_TIMERS), if any; refused (printed, -1)
 * as check refuses them (qr_timers_check). */
int qr_capture_timers(struct qri_writer *w, int pfncheck_fd, pid_t pid);
/* check: each POSIX timer of pid restore cannot make again, from
 * /proc/PID/timers, printed; how many, or 1 if it cannot be read. */
int qr_timers_check(pid_t pid);
/* The semaphore set id the last qr_sysv_capture carried, or NULL. */
const struct qri_sysv_sem *qr_sysv_sem_carried(uint32_t id);
/* Its SEM_UNDO adjustments (PFNCHECK_IOC_SEMUNDO), if any; refused
 * (printed, -1): a list shared with another process, an adjustment on a
 * set not carried. */
int qr_capture_semundo(struct qri_writer *w, int pfncheck_fd, pid_t pid);

#endif
