/* What /proc/PID/status and /proc/PID/smaps say about a process's
 * privileges, sandbox and memory advice, parsed. Pure: no I/O
 * (checkpoint/creds.c); the capture and the check that use it are in
 * checkpoint/attrs.c. */
#ifndef QR_CAPTURE_CREDS_H
#define QR_CAPTURE_CREDS_H

#include <stdint.h>

#include "lib/err.h"

struct qr_creds {
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint32_t no_new_privs;
	uint32_t seccomp;		/* Seccomp: 0 none, 1 strict, 2 filter */
	uint32_t seccomp_filters;	/* Seccomp_filters: (0 when absent) */
	int32_t thp_enabled;		/* THP_enabled: 1, 0; -1 when absent */
	uint32_t ngroups;
	uint32_t *groups;		/* malloc'd; NULL when none */
};

/* Cap*, NoNewPrivs, Seccomp, Groups (and Seccomp_filters, THP_enabled
 * where the kernel shows them). Frees nothing on error. */
int qr_status_creds(const char *text, struct qr_creds *c, struct qr_err *e);
void qr_creds_free(struct qr_creds *c);

/* The lines of a status text that a thread's credentials show (Uid, Gid,
 * Groups, Cap*, NoNewPrivs, Seccomp), one after the other, into out (NUL
 * terminated, truncated at len). */
void qr_status_cred_lines(const char *text, char *out, size_t len);

/* A VmFlags line's two-letter flags (without "VmFlags:") as QRI_ADV_*;
 * *refused: the first flag restore cannot carry (userfaultfd, sealed,
 * shadow stack, memory tagging), or NULL. */
uint32_t qr_vmflags_advice(const char *flags, const char **refused);

#endif
