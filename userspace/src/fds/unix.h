/* UNIX sockets as an fd kind: the image data of one socket (unix_img.c
 * checks it), and the kind's parts: capture (unix_capture.c), options
 * (unix_opts.c), the kept set (unix_check.c), restore (unix_restore.c),
 * sockets made with another process's credentials (unix_cred.c). */
#ifndef QR_FDS_UNIX_H
#define QR_FDS_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Credentials as SO_PEERCRED and SO_PEERGROUPS report them. */
struct qr_unix_cred {
	int32_t pid;
	uint32_t uid, gid;	/* effective, as the kernel took them */
	uint32_t ngroups;
};

/* The options carried beyond the ones named in the record: one int each
 * (unix_opts.c has the table), in this order. */
enum {
	QR_UNIX_OPT_PASSSEC, QR_UNIX_OPT_PASSPIDFD, QR_UNIX_OPT_PASSRIGHTS,
	QR_UNIX_OPT_PRIORITY, QR_UNIX_OPT_MARK, QR_UNIX_OPT_RCVLOWAT,
	QR_UNIX_OPT_TIMESTAMP, QR_UNIX_OPT_TIMESTAMPNS,
	QR_UNIX_OPT_TIMESTAMP_NEW, QR_UNIX_OPT_TIMESTAMPNS_NEW,
	QR_UNIX_OPT_TIMESTAMPING, QR_UNIX_OPT_RXQ_OVFL, QR_UNIX_OPT_OOBINLINE,
	QR_UNIX_OPT_KEEPALIVE, QR_UNIX_OPT_DEBUG, QR_UNIX_OPT_LOCK_FILTER,
	QR_UNIX_NOPTS
};

/* The kind's data: this, then the name (name_len bytes, as the kernel
 * holds it: a path with its 0, or an abstract name starting with 0), the
 * inodes of a listener's queued connections (nicons u32, in accept
 * order), the groups of peer_cred (its ngroups u32) and of conn_cred
 * (likewise), the socket filter (nfilter struct sock_filter,
 * 8 bytes each), the peer's security label (peersec_len bytes, as
 * SO_PEERSEC gives it), then the bytes queued to read as nmsgs messages (u32
 * length, u8 sender name length, the sender's name, with QR_UNIX_MSGCRED
 * the credentials it carries (struct qr_unix_msg_cred), the bytes; a
 * stream socket's in pieces of one sender's credentials). Little-endian. */
struct qr_unix_rec {
	uint8_t type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t state;		/* TCP_ESTABLISHED, TCP_LISTEN, TCP_CLOSE */
	uint8_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
	uint8_t flags;		/* QR_UNIX_* */
	uint32_t ino;		/* the socket's inode (the file's object) */
	uint32_t peer;		/* the peer's inode; 0: none, or gone */
	uint32_t name_len;	/* at most 108 */
	uint32_t backlog;	/* listener: listen(2)'s */
	uint32_t nicons;	/* listener: connections queued */
	uint32_t nmsgs;
	int32_t sndbuf, rcvbuf;	/* as SO_SNDBUF/SO_RCVBUF read them */
	int32_t passcred;
	int32_t peek_off;	/* SO_PEEK_OFF, -1 off */
	uint32_t file_mode;	/* QR_UNIX_FILE: the socket file's */
	uint32_t file_uid, file_gid;
	uint64_t rcvtimeo_us, sndtimeo_us;
	/* QR_UNIX_PEERCRED: what SO_PEERCRED/SO_PEERGROUPS report. */
	struct qr_unix_cred peer_cred;
	/* QR_UNIX_CONNCRED, a connection not yet accepted: what its
	 * accepted end will report of its client. */
	struct qr_unix_cred conn_cred;
	int32_t opt[QR_UNIX_NOPTS];
	uint32_t opt_absent;	/* bit i: the capturing kernel lacks opt i */
	int32_t linger_onoff, linger_s;
	uint32_t nfilter;	/* SO_GET_FILTER's classic BPF, 0: none */
	uint32_t peersec_len;	/* SO_PEERSEC's, 0: none */
};

#define QR_UNIX_BIND	0x01	/* bound to name: bind it again */
#define QR_UNIX_FILE	0x02	/* to a path: its file's mode and owner */
#define QR_UNIX_PENDING	0x04	/* connection queued on a listener */
#define QR_UNIX_PEERCRED 0x08	/* SO_PEERCRED reports peer_cred */
#define QR_UNIX_CONNCRED 0x10	/* conn_cred holds the client's credentials */
#define QR_UNIX_ACCEPTED 0x20	/* its name is its listener's (accept) */
#define QR_UNIX_MSGCRED	0x40	/* each queued message has its credentials */
#define QR_UNIX_FLAGS	0x7f

/* What SCM_CREDENTIALS shows a reader of a queued message: pid 0 (and
 * uid, gid 0) if the message carries none (neither end had SO_PASSCRED
 * when it was sent, nor did its sender give them). */
struct qr_unix_msg_cred {
	int32_t pid;
	uint32_t uid, gid;
};

#define QR_UNIX_MAX_ICONS 65536
#define QR_UNIX_MAX_MSGS (1u << 20)
#define QR_UNIX_MAX_GROUPS 65536	/* NGROUPS_MAX */
#define QR_UNIX_MAX_FILTER 4096		/* BPF_MAXINSNS */
#define QR_UNIX_MAX_PEERSEC 256

/* Image data checked: the record, and where its parts are in data. */
struct qr_unix_img {
	struct qr_unix_rec r;
	const char *name;
	const uint8_t *icons;	/* nicons u32, unaligned */
	const uint8_t *peer_groups, *conn_groups;	/* u32, unaligned */
	const uint8_t *filter;	/* nfilter struct sock_filter */
	const char *peersec;	/* peersec_len bytes */
	const uint8_t *msgs;	/* nmsgs messages */
	size_t msgs_len;
};

/* One queued message of a parsed image. */
struct qr_unix_msg {
	const uint8_t *data;
	uint32_t len;
	const char *from;	/* the sender's name; from_len 0: unnamed */
	uint8_t from_len;
	struct qr_unix_msg_cred cred;	/* pid 0: none */
};

/* Checks len bytes of a UNIX socket's image data (untrusted): 0 and u
 * filled, or -1 with *why saying what is wrong. */
int qr_unix_img_parse(const uint8_t *data, size_t len, struct qr_unix_img *u,
		      const char **why);

/* The i-th queued connection's client inode. */
uint32_t qr_unix_icon(const struct qr_unix_img *u, uint32_t i);

/* The i-th group of a list of the image (peer_groups, conn_groups). */
uint32_t qr_unix_group(const uint8_t *groups, uint32_t i);

/* Steps through the messages of a parsed image: *off starts at 0; gives
 * the next one, false after the last. */
bool qr_unix_next_msg(const struct qr_unix_img *u, size_t *off,
		      struct qr_unix_msg *m);

#endif
