/* TCP and UDP sockets, IPv4 and IPv6, as fd kinds (tcp.c, udp.c): the
 * image data they share, its checks, and the helpers both use (which
 * socket an inode is, addresses, options). Little-endian, fixed layout.
 *
 * A kind's data: struct qr_inet_rec; for an established TCP connection,
 * then struct qr_tcp_conn, the send queue (outq_len bytes, from the
 * oldest unacknowledged byte) and the receive queue (inq_len bytes, not
 * read yet). */
#ifndef QR_FDS_INET_H
#define QR_FDS_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "fds/inet_more.h"
#include "lib/err.h"

struct qr_inet_addr {
	uint8_t addr[16];	/* IPv4: the first 4 bytes */
	uint16_t port;		/* host order */
	uint16_t pad;
	uint32_t scope_id;	/* IPv6 link-local: its interface */
};

/* Options as getsockopt(2) reads them; -1: not read (not this kind's). */
struct qr_inet_opts {
	int32_t reuseaddr, reuseport, keepalive, broadcast;
	int32_t sndbuf, rcvbuf;		/* twice what was set, as read */
	int32_t v6only, freebind, priority, mark;
	int32_t nodelay, keepidle, keepintvl, keepcnt;
	int32_t defer_accept, user_timeout, tos, ttl;
	uint64_t rcvtimeo_us, sndtimeo_us;
	int32_t cork;			/* TCP_CORK */
	int32_t fastopen;		/* TCP_FASTOPEN: a listener's queue */
	char congestion[16];		/* TCP_CONGESTION, NUL padded; UDP: "" */
	int32_t transparent;		/* IP_TRANSPARENT: both families' flag */
	uint8_t buflocks;		/* QR_INET_BUFLOCKS: sizes it set */
	uint8_t fastopen_key_len;	/* 0, 16, or 32 with a backup key */
	uint8_t udp_cork;		/* UDP_CORK (nothing corked: refused) */
	uint8_t pad;
	char bindtodevice[16];		/* SO_BINDTODEVICE, NUL padded; "" none */
	uint8_t fastopen_key[32];	/* TCP_FASTOPEN_KEY: its own, not the
					 * system's (which is not carried) */
	int32_t linger;			/* SO_LINGER's seconds, -1: off */
	int32_t pad2;
	/* The options of inet_more.c's table the process changed; the
	 * others QR_INET_MORE_UNSET. */
	int32_t more[QR_INET_MORE];
};

struct qr_inet_rec {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t state;		/* TCP_LISTEN, TCP_ESTABLISHED, TCP_CLOSE */
	uint8_t flags;		/* QR_INET_* */
	uint8_t pad;
	uint32_t backlog;	/* a listener's */
	uint64_t ino;		/* the socket's inode (the file's object) */
	struct qr_inet_addr local, peer;
	struct qr_inet_opts o;
};

/* qr_inet_opts.buflocks: PFNCHECK_SOCKLOCK_SNDBUF, _RCVBUF (pfncheck ABI). */
#define QR_INET_BUFLOCKS 0x03

#define QR_INET_BOUND	0x01	/* local address bound: bind it again */
#define QR_INET_PEER	0x02	/* connected: peer set */
#define QR_INET_FLAGS	0x03

/* An established connection as TCP_REPAIR reads it. */
struct qr_tcp_conn {
	uint32_t snd_seq;	/* write_seq: after the last byte queued */
	uint32_t rcv_seq;	/* rcv_nxt: after the last byte received */
	uint32_t outq_len;	/* bytes sent or queued, not acknowledged */
	uint32_t unsent_len;	/* of them, never sent */
	uint32_t inq_len;	/* bytes received, not read */
	uint32_t mss;		/* mss_clamp */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t opts;		/* TCPI_OPT_TIMESTAMPS | _SACK | _WSCALE */
	uint8_t pad;
	uint32_t timestamp;	/* TCP_TIMESTAMP */
	/* struct tcp_repair_window */
	uint32_t snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup;
	uint32_t pad2;
};

/* At most this much queued in each direction of one connection. */
#define QR_TCP_MAX_QUEUE (16u << 20)

/* Checked image data (untrusted): where its parts are. */
struct qr_inet_img {
	struct qr_inet_rec r;
	bool has_conn;
	struct qr_tcp_conn c;
	const uint8_t *outq, *inq;
};

/* Checks len bytes of a TCP (tcp true) or UDP socket's image data: 0 and
 * i filled, or -1 with e saying what is wrong. */
int qr_inet_img_parse(const uint8_t *data, size_t len, bool tcp,
		      struct qr_inet_img *i, struct qr_err *e);

/* The sockaddr of a for family: its length. */
socklen_t qr_inet_sockaddr(uint8_t family, const struct qr_inet_addr *a,
			   struct sockaddr_storage *ss);
/* ss (of its family) into a; -1 if not AF_INET or AF_INET6. */
int qr_inet_from_sockaddr(const struct sockaddr_storage *ss,
			  struct qr_inet_addr *a);
/* "127.0.0.1:80", "[::1]:80" into buf (of 64). */
const char *qr_inet_str(uint8_t family, const struct qr_inet_addr *a,
			char *buf);
bool qr_inet_same(const struct qr_inet_addr *a, const struct qr_inet_addr *b);

/* A socket as /proc/net/tcp, tcp6, udp, udp6 list it: those of our
 * network namespace. */
struct qr_inet_row {
	uint8_t family, state;
	struct qr_inet_addr local, peer;
	uint64_t ino;
};

/* Every socket of proto ("tcp" or "udp"), IPv4 and IPv6: *v (n of them,
 * to free) or -1 (none listed: out of memory). */
int qr_inet_rows(const char *proto, struct qr_inet_row **v, size_t *n);
const struct qr_inet_row *qr_inet_row_find(const struct qr_inet_row *v,
					   size_t n, uint64_t ino);

/* The options of socket s (tcp: the TCP ones too) into o: 0, or -1 with
 * errno. */
int qr_inet_opts_get(int s, uint8_t family, bool tcp, struct qr_inet_opts *o);
/* Those set before bind (reuse, v6only, freebind): 0, or -1 with errno. */
int qr_inet_opts_set_early(int s, uint8_t family, const struct qr_inet_opts *o);
/* The others, after connect (SO_BINDTODEVICE would route it); forced:
 * restore forced both buffer sizes (to write queues back), so both are
 * set again and their locks made as they were. 0, or -1 with errno and
 * *what (of 64). */
int qr_inet_opts_set(int s, uint8_t family, bool tcp, bool forced,
		     const struct qr_inet_opts *o, char *what);

/* Whether pid's fd is a socket of family AF_INET or AF_INET6 and this
 * protocol (IPPROTO_TCP, IPPROTO_UDP) in our network namespace (one of
 * another is told by qr_sock_describe). */
bool qr_inet_is(pid_t pid, int fd, int proto);

/* Why the socket of pid's fd is not carried, for check's message: "a
 * netlink socket (NETLINK_ROUTE)", "a packet socket", "a raw IPv4
 * socket (protocol 1)"... into buf (of 128); NULL if it cannot be told. */
const char *qr_sock_describe(int pid, int fd, char *buf, size_t size);

#endif
