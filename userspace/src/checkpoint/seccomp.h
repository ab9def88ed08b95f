/* A process's seccomp filters (checkpoint/seccomp.c): read under a brief
 * ptrace stop before the freeze, checked, and written once it is frozen. */
#ifndef QR_CHECKPOINT_SECCOMP_H
#define QR_CHECKPOINT_SECCOMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint/creds.h"
#include "checkpoint/freeze.h"
#include "image/image.h"

/* A filter of the process's tree of filters (image/format.h
 * QRI_SECCOMP_FILTER): prev is the index of the one before it. */
struct qr_seccomp_filter {
	uint32_t prev, flags, ninsns;
	uint64_t *insns;	/* struct sock_filter, 8 bytes each */
};

struct qr_seccomp_thread {
	pid_t tid;
	uint32_t depth;		/* filters in its chain; 0: none */
	uint32_t top;		/* the newest of them */
};

struct qr_seccomp {
	pid_t pid;
	struct qr_seccomp_filter *filters;
	size_t nfilters;
	struct qr_seccomp_thread *threads;
	size_t nthreads;
};

/* Every thread's filters, oldest first, each stopped for a moment with
 * PTRACE_SEIZE and PTRACE_INTERRUPT, then detached. Returns how many
 * filters it refuses (each printed: one that can hand a system call to a
 * listener), or -1 after printing why it could not read them. */
int qr_seccomp_read(pid_t pid, struct qr_seccomp *s);
void qr_seccomp_free(struct qr_seccomp *s);

/* The filters of each process with some (Seccomp: 2), into *out (n of
 * them, freed with qr_seccomp_free_all even on failure). Returns -1 after
 * printing why (a filter refused, or unreadable). */
int qr_seccomp_read_all(const pid_t *pids, int n, struct qr_seccomp **out);
void qr_seccomp_free_all(struct qr_seccomp *s, int n);

/* check: what restore cannot carry of the process's seccomp state (c:
 * its status), each printed; how many. Reads the filters (as above). */
int qr_seccomp_check(pid_t pid, const struct qr_creds *c);

/* Why restore cannot carry this program (n struct sock_filter), or
 * NULL: a return of SECCOMP_RET_USER_NOTIF, or of a computed action. */
const char *qr_seccomp_program_refused(const uint64_t *insns, uint32_t n);

/* With f frozen: each thread's filter count must still be the one read
 * (filters are only ever added: the same count is the same chain), then
 * QRI_SECCOMP_FILTER and QRI_THREAD_SECCOMP records, after the thread
 * records. s NULL: the process had no filter when it was read. Returns -1
 * after printing why. */
int qr_seccomp_write(struct qri_writer *w, const struct qr_seccomp *s,
		     const struct qr_frozen *f);

#endif
