/* Capture of a stopped process through user ABI only (ptrace regsets,
 * /proc/PID files), into checkpoint image records and the pages file. The
 * stopping itself is elsewhere (checkpoint_stop.c): capture only needs
 * every thread of the process to stay still while it runs. */
#ifndef QR_CAPTURE_H
#define QR_CAPTURE_H

#include <stdint.h>
#include <sys/types.h>

#include "image.h"

/* Where page contents go: the pages file and its size so far. */
struct qr_pages {
	int fd;
	uint64_t off;
};

/* Resources that cannot be carried: prints one line per resource naming
 * the process, returns how many. Needs no stop; nothing is changed. */
int qr_capture_check(pid_t pid);

/* Writes the whole process (process, memory fields, threads, memory
 * areas with their contents, files) to w and pg. tids are its threads,
 * all stopped. Returns -1 after printing what failed. */
int qr_capture_process(struct qri_writer *w, struct qr_pages *pg, pid_t pid,
		       const pid_t *tids, int ntids);

/* Pieces of the above, one file each. */
int qr_capture_thread(struct qri_writer *w, pid_t pid, pid_t tid);
/* *heap_end: the end of [heap] (brk rounded up to a page), 0 if none. */
int qr_capture_memory(struct qri_writer *w, struct qr_pages *pg, pid_t pid,
		      uint64_t *heap_end);
int qr_capture_fds(struct qri_writer *w, pid_t pid, int check_only);

#endif
