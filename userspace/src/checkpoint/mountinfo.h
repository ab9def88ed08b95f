/* /proc/PID/mountinfo, parsed strictly (untrusted: a mount point or a
 * source is any name a user chose). Pure: no I/O. */
#ifndef QR_MOUNTINFO_H
#define QR_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* Per-mount options (the sixth field), as image/format.h's QRI_MNT_*. */
#define QR_MNT_RDONLY		0x01
#define QR_MNT_NOSUID		0x02
#define QR_MNT_NODEV		0x04
#define QR_MNT_NOEXEC		0x08
#define QR_MNT_NOATIME		0x10
#define QR_MNT_NODIRATIME	0x20
#define QR_MNT_RELATIME		0x40
#define QR_MNT_NOSYMFOLLOW	0x80
#define QR_MNT_IDMAPPED		0x100	/* never carried */

/* Longest line taken; the kernel has no bound but PATH_MAX per path. */
#define QR_MOUNTINFO_LINE_MAX 16384
#define QR_MOUNTS_MAX 4096

struct qr_mount {
	uint32_t id, parent, major, minor;
	/* Decoded (\ooo escapes), NUL-terminated, in the parse's buffer. */
	char *root, *point, *fstype, *source, *super;
	uint32_t flags;		/* QR_MNT_* */
	uint32_t shared, master;	/* peer group ids, 0 for none */
	bool unbindable;
};

struct qr_mounts {
	struct qr_mount *m;
	size_t n;
	char *buf;		/* owns every string */
};

/* Every line of text (len bytes, may hold a NUL: refused); on failure
 * -1, out empty, e naming the line and the token. */
int qr_mountinfo_parse(const char *text, size_t len, struct qr_mounts *out,
		       struct qr_err *e);
void qr_mounts_free(struct qr_mounts *ms);

/* The per-mount option words of flags ("ro,nosuid,relatime"), into out
 * (at least 80 bytes); a pure inverse for messages and tests. */
const char *qr_mount_flags_str(uint32_t flags, char *out, size_t n);

#endif
