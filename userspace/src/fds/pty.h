/* Pseudo-terminals: a pair made by opening /dev/ptmx, the master
 * (QRI_FD_PTMX) and its slave /dev/pts/N (QRI_FD_PTS), each open file
 * description a file of its kind, both with the pair's index N as object.
 * The master's record holds what belongs to the pair (the slave's termios
 * and window size, lock, packet mode, /dev/pts/N's owner and mode, the
 * session it is the controlling terminal of and its foreground group);
 * a slave's record what belongs to the slave's tty (exclusive mode).
 * Restore makes the pair at the same N, the slaves opened through the
 * master (TIOCGPTPEER), and gives the session leader its controlling
 * terminal and foreground group back before anything runs. The bytes
 * queued for the master's reader are carried in the master's record;
 * those for the slave's readers in each slave's (the first slave of the
 * pair in the image puts them back), in non-canonical mode only: in
 * canonical mode they are refused with their count (pty_queue.h). */
#ifndef QR_FD_PTY_H
#define QR_FD_PTY_H

#include <stdint.h>

#include "fds/kind.h"

/* The master's data (little-endian). The termios as TCGETS2 gives it
 * (struct termios2, NCCS 19). */
struct qr_ptmx_rec {
	uint32_t index;		/* N of /dev/pts/N */
	uint32_t flags;		/* QR_PTY_* */
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
	uint32_t ispeed, ospeed;
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
	uint32_t uid, gid, mode;	/* /dev/pts/N's; mode: permission bits */
	uint32_t sid;		/* the session whose controlling terminal it
				 * is; 0: none */
	uint32_t pgrp;		/* its foreground group; 0: none */
	uint32_t queue_len;	/* then this many bytes: what the slave's
				 * programs wrote, not yet read */
	uint32_t pad;
};

/* A slave's data. */
struct qr_pts_rec {
	uint32_t index;
	uint32_t flags;		/* QR_PTY_EXCL */
	uint32_t queue_len;	/* then this many bytes: what the slave's
				 * readers have not read */
	uint32_t pad;
};

#define QR_PTY_LOCKED	0x1	/* TIOCSPTLCK: the slave cannot be opened */
#define QR_PTY_PACKET	0x2	/* TIOCPKT */
#define QR_PTY_EXCL	0x4	/* TIOCEXCL on this end */
#define QR_PTY_HUP	0x8	/* master: every slave closed since one was
				 * opened (reads fail with EIO) */
#define QR_PTY_KNOWN	0xf

/* The index the kernel gives (pty.max is at most 1 << 20). */
#define QR_PTY_MAX_INDEX (1u << 20)

/* The image reader's checks (untrusted). */
int qr_ptmx_valid(const struct qri_file_img *f, struct qr_err *e);
int qr_pts_valid(const struct qri_file_img *f, struct qr_err *e);

/* The master of pty index in img, NULL if none. */
const struct qri_file_img *qr_pty_master(const struct qri_image *img,
					 uint32_t index);

/* The pty index of a /dev/pts/N device number, -1 if it is none. */
long qr_pty_index(dev_t rdev);

/* In restore's process pid, just made a session leader: the slave of the
 * pty whose session it was, as its controlling terminal (TIOCSCTTY), in
 * *fd; -1 in *fd if it had none. -1 having printed why. */
int qr_pty_ctty_take(struct qr_files *t, uint32_t pid, int *fd);
/* Then, its session's groups made: the foreground group back on fd
 * (TIOCSPGRP), fd closed. -1 having printed why. */
int qr_pty_ctty_fg(struct qr_files *t, uint32_t pid, int fd);

/* Once all is captured (fds/pty_check.c), refused by name: a slave whose
 * master no kept process holds; an end of a kept pair open outside the
 * kept set; a pty whose session or foreground group is not kept; a kept
 * session leader whose controlling terminal is not a kept pty. How many. */
int qr_pty_check_set(const struct qr_fd_set *s);

#endif
