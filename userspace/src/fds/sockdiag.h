/* What NETLINK_SOCK_DIAG says about UNIX sockets (linux/unix_diag.h):
 * one socket by inode, or all of them, with name, peer, queue lengths,
 * pending connections, shutdown and memory. */
#ifndef QR_FDS_SOCKDIAG_H
#define QR_FDS_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QR_UNIX_NAME_MAX 108	/* sizeof(sun_path) */

struct qr_unix_diag {
	uint32_t ino;
	uint32_t peer;		/* the peer's inode; 0: none, or gone */
	uint8_t type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t state;		/* TCP_ESTABLISHED, TCP_LISTEN, TCP_CLOSE */
	uint8_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
	bool has_vfs;		/* bound to a path: its file's inode and dev */
	uint32_t vfs_ino, vfs_dev;
	/* Listener: connections queued, and the backlog. Otherwise: bytes
	 * queued to read (a datagram socket: the first message's only) and
	 * bytes sent not yet read by the peer. */
	uint32_t rqueue, wqueue;
	uint32_t wmem;		/* bytes this socket sent still queued */
	uint32_t name_len;	/* 0: unbound; an abstract name starts with 0 */
	char name[QR_UNIX_NAME_MAX];
	uint32_t nicons;	/* listener: the queued connections' */
	uint32_t *icons;	/* client inodes, in accept order */
};

/* Parses one SOCK_DIAG_BY_FAMILY answer's payload (struct unix_diag_msg
 * and its attributes, len bytes) into d: 0, or -1 if malformed. d->icons
 * is allocated (free with qr_unix_diag_free). */
int qr_unix_diag_parse(const void *payload, size_t len,
		       struct qr_unix_diag *d);

/* The socket with this inode in our network namespace: 0, 1 if there is
 * none, -1 having printed why. */
int qr_unix_diag_one(uint32_t ino, struct qr_unix_diag *d);

/* Every UNIX socket of our network namespace: *v (n of them) to free
 * with qr_unix_diag_free_all; -1 having printed why. */
int qr_unix_diag_all(struct qr_unix_diag **v, size_t *n);

/* The entry of v with this inode, NULL if none. */
const struct qr_unix_diag *qr_unix_diag_find(const struct qr_unix_diag *v,
					     size_t n, uint32_t ino);

void qr_unix_diag_free(struct qr_unix_diag *d);
void qr_unix_diag_free_all(struct qr_unix_diag *v, size_t n);

/* The name as text: the path, "@name" for an abstract one (zero bytes
 * shown as '@'), "an unnamed socket". buf of QR_UNIX_NAME_MAX + 2. */
const char *qr_unix_name_str(const char *name, uint32_t len, char *buf);

/* A process holding the socket with this inode (and its fd), found in
 * /proc: 0, or -1 if none. */
int qr_unix_holder(uint32_t ino, int *pid, int *fd);

#endif
