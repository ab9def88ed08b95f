/* File locks held on kept files: POSIX (fcntl F_SETLK, the process's),
 * OFD (F_OFD_SETLK), flock and leases (F_SETLEASE; the open file
 * description's). They travel in the data of the kind of file they are on
 * (file, directory): an array of struct qri_lock (image/format.h). Leases
 * being broken, delegations, mandatory locks and locks on a file of
 * another kind are refused by name. */
#ifndef QR_FDS_LOCKS_H
#define QR_FDS_LOCKS_H

#include <sys/types.h>

#include "fds/kind.h"

/* Appends to c->data a struct qri_locks_head and the locks restore takes
 * again (a kind may append its own after: qr_locks_trim() once done drops
 * a head of no locks that nothing follows): this open file
 * description's OFD locks and flock (its fdinfo), and every process's
 * POSIX locks on the inode (/proc/locks: a POSIX lock belongs to a
 * process and the inode, and fdinfo shows it only at the fd it was taken
 * through, in its owner). 0, or -1 having printed why (a lease being
 * broken). */
int qr_locks_capture(struct qr_fd_capture *c);

/* Whether the kind carries the locks on its files (files, directories). */
bool qr_locks_carried(const struct qr_fd_kind *kind);

/* For an fd of a kind that carries no lock: -1 having printed why if
 * its file holds one (what: the kind's name). */
int qr_locks_none(pid_t pid, int fd, const char *link, const char *what);

void qr_locks_trim(struct qr_fd_capture *c);

/* The image reader's check of the locks at the start of f's data (the
 * image is untrusted): 0 and *end, where the kind's own data starts; or
 * -1 with e saying what is wrong. */
int qr_locks_check(const struct qri_file_img *f, size_t *end,
		   struct qr_err *e);

/* Where the locks of f's data end (checked by the reader). */
size_t qr_locks_end(const struct qri_file_img *f);

/* In a kind's open: a flock or lease that no kept process holding f took
 * is taken on fd, the new open file description (failing, its holders fail in
 * place). -1 having printed why. */
int qr_locks_open(struct qr_files *t, const struct qri_file_img *f, int fd);

/* In a kind's place: f's OFD locks, pr's POSIX locks and the flock or
 * lease it took, on its fd. A lock someone else holds now fails pr's restore,
 * naming it. */
int qr_locks_place(const struct qri_proc_img *pr, const struct qri_fd_img *fd,
		   const struct qri_file_img *f);

/* After every process reported, for a process pid that failed: the
 * flocks and lease of f it was to take again (f's open file description owns them,
 * and other kept processes share it) taken by restore on t's fd of f;
 * nothing if pid took them before it failed. -1 having printed why: then
 * the processes sharing f must fail too. */
int qr_locks_retake(struct qr_files *t, const struct qri_file_img *f,
		    uint32_t pid);

#endif
