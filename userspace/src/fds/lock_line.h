/* One line of /proc/locks, or of /proc/PID/fdinfo/N after "lock:\t",
 * parsed. Pure: no I/O (the text is the kernel's, but a parser of it is
 * written as for untrusted input). */
#ifndef QR_FDS_LOCK_LINE_H
#define QR_FDS_LOCK_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/format.h"
#include "lib/err.h"

enum qr_lock_kind {
	QR_LK_POSIX = 1,	/* fcntl F_SETLK: the process's */
	QR_LK_OFD,		/* F_OFD_SETLK: the open file description's */
	QR_LK_FLOCK,		/* flock(2): the open file description's */
	QR_LK_LEASE,		/* F_SETLEASE */
	QR_LK_DELEG,		/* an NFS delegation */
	QR_LK_ACCESS,		/* a transient check of a mandatory lock */
	QR_LK_MANDATORY,	/* kernels before 5.15 */
	QR_LK_UNKNOWN,
};

#define QR_LK_EOF UINT64_MAX	/* a range to the end of the file, ever */

struct qr_lock_line {
	enum qr_lock_kind kind;
	bool waiter;		/* "->": blocked, waiting for a lock, not held */
	bool write;		/* WRITE rather than READ */
	bool unlock;		/* UNLCK: a lease being broken to nothing */
	bool breaking;		/* a lease not ACTIVE: BREAKING, BREAKER */
	int64_t pid;		/* -1: an OFD lock (no owner process) */
	bool has_inode;		/* false: "<none>:0" */
	uint32_t major, minor;	/* of the filesystem's device */
	uint64_t ino;
	uint64_t start, end;	/* bytes, end included; end QR_LK_EOF */
};

/* Parses one line, "1: POSIX  ADVISORY  WRITE 123 08:01:456 0 EOF" (a
 * '\n' at its end is allowed). -1 with a message naming the offending
 * token when the line does not follow the format. */
int qr_lock_line_parse(const char *line, struct qr_lock_line *l,
		       struct qr_err *e);

/* The locks at the start of a file's image data (none when it is empty;
 * else struct qri_locks_head and its locks) checked as capture writes
 * them, *end where they end: 0, or -1 with a message naming the first
 * that is not (the image is untrusted). */
int qr_locks_data_check(const uint8_t *data, size_t len, size_t *end,
			struct qr_err *e);

/* The kind's name as the kernel prints it ("POSIX", "OFDLCK", ...). */
const char *qr_lock_kind_name(enum qr_lock_kind kind);

#endif
