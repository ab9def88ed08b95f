/* The bytes queued in a pty pair (fds/pty.h), read at the checkpoint and
 * put back at once, so that a checkpoint failing later leaves the pair
 * as it was, and put back the same way at restore. Master and slave
 * termios are the pair's: output processing (OPOST) or input processing
 * is switched off only while the bytes go back, so that they are queued
 * as they were read. */
#ifndef QR_FD_PTY_QUEUE_H
#define QR_FD_PTY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this much in either direction (the line discipline's 4 KiB and
 * the flip buffers' 64 KiB fit). */
#define QR_PTY_MAX_QUEUE (1u << 20)

struct qr_pty_queue {
	uint8_t *buf;
	uint32_t len;
};

/* What the master's reader has not read (its slave's programs wrote it),
 * through m (a duplicate of the master; pkt: in packet mode), then
 * written back through a slave opened from m. 0, or -1 with why. */
int qr_pty_out_take(int m, bool pkt, struct qr_pty_queue *q, char *why,
		    size_t size);
/* q written back so that master m reads it. 0, or -1 with why. */
int qr_pty_out_put(int m, const uint8_t *q, uint32_t len, char *why,
		   size_t size);

/* What the slave's readers have not read, through s (a duplicate of a
 * slave in non-canonical mode), then put back (TIOCSTI). 0 or -1. */
int qr_pty_in_take(int s, struct qr_pty_queue *q, char *why, size_t size);
/* q put back for slave s's readers. 0, or -1 with why. */
int qr_pty_in_put(int s, const uint8_t *q, uint32_t len, char *why,
		  size_t size);

#endif
