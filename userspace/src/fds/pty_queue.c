/* See pty_queue.h. */
#define _GNU_SOURCE
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fds/pty_queue.h"

static int add(struct qr_pty_queue *q, const uint8_t *p, size_t n)
{
	uint8_t *b;

	if (q->len + n > QR_PTY_MAX_QUEUE)
		return -1;
	b = realloc(q->buf, q->len + n);
	if (!b)
		return -1;
	memcpy(b + q->len, p, n);
	q->buf = b;
	q->len += n;
	return 0;
}

/* Everything fd's reader has not read, into q: FIONREAD's count at a
 * time, then 50 ms more for what the flip buffers still push once there
 * is room. skip: bytes before each read's data (a packet header, which
 * must say data). */
static int drain(int fd, int skip, struct qr_pty_queue *q, char *why,
		 size_t size)
{
	uint8_t tmp[4097];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int avail = 0;
		ssize_t n;

		if (ioctl(fd, FIONREAD, &avail))
			goto fail;
		if (avail <= 0 && (poll(&p, 1, q->len ? 50 : 0) != 1 ||
				   ioctl(fd, FIONREAD, &avail) || avail <= 0))
			return 0;
		if (avail > 4096)
			avail = 4096;
		n = read(fd, tmp, avail + skip);
		if (n <= skip || (skip && tmp[0] != TIOCPKT_DATA)) {
			snprintf(why, size, "a read of %d bytes got %zd", avail, n);
			return -1;
		}
		if (add(q, tmp + skip, n - skip)) {
			snprintf(why, size, "more than %u bytes", QR_PTY_MAX_QUEUE);
			return -1;
		}
	}
fail:
	snprintf(why, size, "%s", strerror(errno));
	return -1;
}

int qr_pty_out_take(int m, bool pkt, struct qr_pty_queue *q, char *why,
		    size_t size)
{
	struct pollfd p = { .fd = m, .events = POLLPRI };
	int rc;

	q->buf = NULL;
	q->len = 0;
	if (pkt && poll(&p, 1, 0) == 1 && (p.revents & POLLPRI)) {
		snprintf(why, size, "a packet mode status not yet read");
		return -1;
	}
	rc = drain(m, pkt, q, why, size);
	if (q->len && qr_pty_out_put(m, q->buf, q->len, why, size)) {
		/* Lost in the Old kernel too: say so loudly. */
		snprintf(why + strlen(why), size - strlen(why),
			 "; %u bytes read could not be put back", q->len);
		return -1;
	}
	return rc;
}

/* A slave of master m of its own (non-blocking), the lock lifted
 * meanwhile. */
static int peer(int m)
{
	int locked = 0, off = 0, s;

	ioctl(m, TIOCGPTLCK, &locked);
	if (locked)
		ioctl(m, TIOCSPTLCK, &off);
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (locked)
		ioctl(m, TIOCSPTLCK, &locked);
	return s;
}

int qr_pty_out_put(int m, const uint8_t *q, uint32_t len, char *why,
		   size_t size)
{
	struct termios2 t, raw;
	uint32_t off = 0;
	int s = peer(m), tries = 0;

	if (s < 0 || ioctl(s, TCGETS2, &t)) {
		snprintf(why, size, "its slave: %s", strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	raw = t;
	raw.c_oflag &= ~OPOST;
	if (ioctl(s, TCSETS2, &raw))
		tries = 100;
	while (off < len && tries < 100) {
		struct pollfd p = { .fd = s, .events = POLLOUT };
		ssize_t n = write(s, q + off, len - off);

		if (n > 0)
			off += n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		else if (poll(&p, 1, 20) != 1)
			tries++;
	}
	if (off < len)
		snprintf(why, size, "%u of %u bytes written back: %s", off, len,
			 strerror(errno));
	ioctl(s, TCSETS2, &t);
	close(s);
	return off < len ? -1 : 0;
}

int qr_pty_in_take(int s, struct qr_pty_queue *q, char *why, size_t size)
{
	struct termios2 t, now;
	int rc;

	q->buf = NULL;
	q->len = 0;
	if (ioctl(s, TCGETS2, &t)) {
		snprintf(why, size, "TCGETS2: %s", strerror(errno));
		return -1;
	}
	/* A read that returns what there is, whatever VMIN and VTIME say. */
	now = t;
	now.c_cc[VMIN] = 0;
	now.c_cc[VTIME] = 0;
	if (ioctl(s, TCSETS2, &now)) {
		snprintf(why, size, "TCSETS2: %s", strerror(errno));
		return -1;
	}
	rc = drain(s, 0, q, why, size);
	ioctl(s, TCSETS2, &t);
	if (q->len && qr_pty_in_put(s, q->buf, q->len, why, size)) {
		snprintf(why + strlen(why), size - strlen(why),
			 "; %u bytes read could not be put back", q->len);
		return -1;
	}
	return rc;
}

int qr_pty_in_put(int s, const uint8_t *q, uint32_t len, char *why,
		  size_t size)
{
	struct termios2 t, plain;
	uint32_t i = 0;

	if (ioctl(s, TCGETS2, &t)) {
		snprintf(why, size, "TCGETS2: %s", strerror(errno));
		return -1;
	}
	/* Received again as they were kept: no translation, echo or signal
	 * (flow control stays: its characters were never queued). */
	plain = t;
	plain.c_iflag &= IXON | IXOFF | IXANY;
	plain.c_lflag &= ~(ISIG | ECHO | ECHOE | ECHOK | ECHONL | ECHOCTL |
			   ECHOPRT | ECHOKE | IEXTEN);
	if (!ioctl(s, TCSETS2, &plain))
		for (; i < len; i++)
			if (ioctl(s, TIOCSTI, &q[i]))
				break;
	if (i < len)
		snprintf(why, size, "%u of %u bytes put back: %s", i, len,
			 strerror(errno));
	ioctl(s, TCSETS2, &t);
	return i < len ? -1 : 0;
}
