/* UNIX sockets as an fd kind (unix.c): the image data of one socket. */
#ifndef QR_FDS_UNIX_H
#define QR_FDS_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kind's data: this, then the name (name_len bytes, as the kernel
 * holds it: a path with its 0, or an abstract name starting with 0), the
 * inodes of a listener's queued connections (nicons u32, in accept
 * order), then the bytes queued to read as nmsgs messages (u32 length,
 * bytes; a stream socket's as they came). Little-endian. */
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
};

#define QR_UNIX_BIND	0x01	/* bound to name: bind it again */
#define QR_UNIX_FILE	0x02	/* to a path: its file's mode and owner */
#define QR_UNIX_PENDING	0x04	/* connection queued on a listener */
#define QR_UNIX_FLAGS	0x07

#define QR_UNIX_MAX_ICONS 65536
#define QR_UNIX_MAX_MSGS (1u << 20)

/* Image data checked: the record, and where its parts are in data. */
struct qr_unix_img {
	struct qr_unix_rec r;
	const char *name;
	const uint8_t *icons;	/* nicons u32, unaligned */
	const uint8_t *msgs;	/* nmsgs messages */
	size_t msgs_len;
};

/* Checks len bytes of a UNIX socket's image data (untrusted): 0 and u
 * filled, or -1 with *why saying what is wrong. */
int qr_unix_img_parse(const uint8_t *data, size_t len, struct qr_unix_img *u,
		      const char **why);

/* The i-th queued connection's client inode. */
uint32_t qr_unix_icon(const struct qr_unix_img *u, uint32_t i);

/* Steps through the messages of a parsed image: *off starts at 0; gives
 * the next one, false after the last. */
bool qr_unix_next_msg(const struct qr_unix_img *u, size_t *off,
		      const uint8_t **msg, uint32_t *len);

#endif
