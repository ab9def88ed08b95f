/* Restore proves what it kept (issue 20): the checkpoint records, for each
 * process, what /proc shows of it through stable fields (its "view"), and
 * restore reads the same view of the rebuilt process before it resumes.
 * A difference fails that process's restore, naming every field, instead
 * of letting it run on with state it did not have; the next unknown loss
 * is then a named one. Record: QRI_PROOF (image/format.h).
 *
 * Compared, for the process and (keys "thread TID ...") each of its other
 * threads: from /proc/PID[/task/TID]/status Umask, Uid, Gid, Groups, NoNewPrivs,
 * Seccomp, Seccomp_filters, CapInh, CapPrm, CapEff, CapBnd, CapAmb,
 * Threads, Cpus_allowed_list, Mems_allowed_list, THP_enabled; from
 * /proc/PID[/task/TID]/stat nice, rt_priority and policy; the process's
 * oom_score_adj and personality.
 * Expected to differ, so not compared: the signal fields (the restorer
 * holds every signal blocked until its rt_sigreturn gives the thread its
 * own mask back), memory sizes and counters (VmRSS, ctxt switches: a copy
 * mode restore and the New kernel's accounting differ), inode numbers and
 * namespace ids (the New kernel's). A field the New kernel does not show
 * is not compared. */
#ifndef QR_PROOF_H
#define QR_PROOF_H

#include <stddef.h>
#include <sys/types.h>

#include "image/image.h"
#include "lib/strbuf.h"

/* The view of a process or thread from the texts of its /proc status,
 * stat and (NULL for a thread) oom_score_adj and personality, into out
 * ("key=value\n" lines, keys after prefix, values with their blanks
 * folded). Pure. 0, or -1 if stat cannot be parsed. */
int qr_proof_view(const char *prefix, const char *status, const char *stat,
		  const char *oom, const char *personality,
		  struct qr_strbuf *out);

/* Compares two views; writes "key: A -> B" for each difference (keys
 * that now lacks aside) into diff, ", " between. Returns how many. */
int qr_proof_compare(const char *then, const char *now, char *diff,
		     size_t size);

/* The view of pid, read from /proc, added to w as its QRI_PROOF record. */
int qr_proof_capture(struct qri_writer *w, pid_t pid);

/* Checks the rebuilt process pid (not resumed yet) against pr's record:
 * 0, or -1 having named every difference. No record: 0. */
int qr_proof_check(const struct qri_proc_img *pr, pid_t pid);

#endif
