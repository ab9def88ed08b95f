/* The TCP and UDP socket options beyond those inet_opts.c names: each
 * an int that getsockopt(2) reads back as setsockopt(2) took it, kept
 * where the process changed it from what a new socket of its kind has,
 * set again by restore (inet_more.c); and those refused by name. */
#ifndef QR_FDS_INET_MORE_H
#define QR_FDS_INET_MORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room in the image (struct qr_inet_opts.more); the table's order is
 * the image's: entries are only ever appended. */
#define QR_INET_MORE	96
/* An option left as a new socket has it, or not this socket's kind. */
#define QR_INET_MORE_UNSET INT32_MIN

/* The options of s (family, tcp or UDP) a new socket would not have
 * into more[QR_INET_MORE]; connected (or listening): not those only its
 * connect() uses (TCP_FASTOPEN_CONNECT), which restore's repair connect
 * must not. 0, or -1 with errno and *what (the option). */
int qr_inet_more_get(int s, uint8_t family, bool tcp, bool connected,
		     int32_t *more, const char **what);

/* Whether more names only options this restore knows (image data). */
bool qr_inet_more_valid(const int32_t *more);

/* Those set again on s: 0, or -1 with errno and *what. */
int qr_inet_more_set(int s, uint8_t family, bool tcp, const int32_t *more,
		     const char **what);

/* Why s cannot be carried for an option no restore could give back
 * (into buf, of size): NULL if none. */
const char *qr_inet_more_refused(int s, uint8_t family, bool tcp, char *buf,
				 size_t size);

#endif
