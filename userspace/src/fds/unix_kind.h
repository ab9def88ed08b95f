/* The parts of the UNIX socket kind (unix.c holds its entry), shared
 * between its files only. */
#ifndef QR_FDS_UNIX_KIND_H
#define QR_FDS_UNIX_KIND_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "fds/kind.h"
#include "fds/unix.h"
#include "lib/strbuf.h"

#define QR_UNIX_RCV_SHUT 1	/* the kernel's RCV_SHUTDOWN, SEND_SHUTDOWN */
#define QR_UNIX_SEND_SHUT 2

/* unix_capture.c */
bool qr_unix_match(const char *link, const struct stat *st);
int qr_unix_capture(struct qr_fd_capture *c);

/* unix_check.c */
int qr_unix_check_set(const struct qr_fd_set *s);

/* unix_restore.c */
int qr_unix_open(struct qr_files *t, const struct qri_file_img *f);

/* unix_opts.c: every option carried, read from s into r and the filter
 * (r->nfilter instructions appended to filter): 0, or -1 with *why. */
int qr_unix_opts_read(int s, struct qr_unix_rec *r, struct qr_strbuf *filter,
		      const char **why);
/* Sets on s every option of u a new socket does not have already (not
 * the buffer sizes' and SO_PEEK_OFF, set once the queues are written):
 * 0, or -1 with *what naming the option and errno set. */
int qr_unix_opts_set(int s, const struct qr_unix_img *u, const char **what);

/* unix_cred.c: sockets made, listening or connected by a helper process
 * with the credentials c (groups: c->ngroups u32) and pid c->pid, which
 * the kernel records as their peer's: 0, or -1 with errno set (EEXIST:
 * the pid is taken here, said). */
int qr_unix_socketpair_as(const struct qr_unix_cred *c, const uint8_t *groups,
			  int type, int sv[2]);
int qr_unix_listen_as(const struct qr_unix_cred *c, const uint8_t *groups,
		      int s, int backlog);
int qr_unix_connect_as(const struct qr_unix_cred *c, const uint8_t *groups,
		       int s, const struct sockaddr_un *a, socklen_t len);
/* A helper process that has pid pid (clone3 set_tid) and waits until
 * released: the kernel takes a pid that SCM_CREDENTIALS names only if a
 * process has it, and the message keeps the number after the helper
 * exits. 0, or -1 with errno set (EEXIST: the pid is taken here). */
struct qr_unix_pid_hold {
	pid_t pid;	/* 0: none held */
	int wr;		/* closing it releases the helper */
};
int qr_unix_pid_hold(pid_t pid, struct qr_unix_pid_hold *h);
void qr_unix_pid_release(struct qr_unix_pid_hold *h);

/* s's SO_PEERSEC into buf (QR_UNIX_MAX_PEERSEC bytes): its length, 0 if
 * none (no security module labels it), -1 with errno. */
int qr_unix_peersec(int s, char *buf);
/* s's SO_PEERCRED and SO_PEERGROUPS as recorded: 0; 1 if it has none; -1
 * with errno. groups: *ngroups u32 (malloc'ed, NULL if none). */
int qr_unix_peer_cred(int s, struct qr_unix_cred *c, uint32_t **groups);

#endif
