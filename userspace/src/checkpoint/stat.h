/* /proc/PID/stat and /proc/PID/status, parsed. Pure: no I/O. */
#ifndef QR_CAPTURE_STAT_H
#define QR_CAPTURE_STAT_H

#include <stdint.h>

#include "lib/err.h"

struct qr_stat {
	char state;
	uint32_t ppid, pgid, sid;
	uint32_t nthreads;
	uint32_t tty_nr;	/* the controlling terminal's device; 0: none */
	uint32_t tpgid;		/* its foreground group; 0: none (-1 in stat) */
	uint32_t flags;		/* the kernel's PF_* flags of the task */
	uint64_t start_code, end_code, start_stack;
	uint64_t start_data, end_data, start_brk;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint32_t exit_code;	/* a zombie's wait(2) status (Linux 3.5 and later) */
};

/* "pid (comm) state ppid pgrp session ...": comm may hold anything, even
 * ") ", so the fields are counted after its last ')'. */
int qr_stat_parse(const char *text, struct qr_stat *st, struct qr_err *e);

/* PF_KTHREAD in the flags field (9) of /proc/PID/stat: a kernel thread,
 * which has no user state to keep. */
#define QR_PF_KTHREAD 0x00200000u

struct qr_status {
	uint32_t uid[4], gid[4];	/* real, effective, saved, fs */
	uint32_t umask;
	uint32_t tracer;		/* TracerPid */
};

int qr_status_parse(const char *text, struct qr_status *st, struct qr_err *e);

/* The blocked signals of /proc/PID/task/TID/status ("SigBlk:", 16 hex
 * digits; bit N-1 is signal N). */
int qr_status_sigblk(const char *text, uint64_t *mask, struct qr_err *e);

#endif
