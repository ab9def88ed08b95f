/* Restore's TCP and UDP sockets before the New kernel's network is
 * configured (README "Network sockets", the New kernel's side of the
 * lock). */
#ifndef QR_FDS_INET_LIVE_H
#define QR_FDS_INET_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Before bind: s may take an address not (yet) on this system, and
 * route from it (IP_FREEBIND and IP_TRANSPARENT, or IPv6's). 0, or -1
 * with errno. */
int qr_inet_unplaced(int s, uint8_t family);

/* After the socket's options: its own IP_FREEBIND and IP_TRANSPARENT
 * again (the transparency restore took made off, unless its own). 0, or
 * -1 with errno. */
struct qr_inet_opts;
int qr_inet_placed(int s, uint8_t family, const struct qr_inet_opts *o);

/* The loopback up (the boot's systemd does it, a bare init may not):
 * its index, or -1 with errno. Before any socket of restore binds to
 * 127.0.0.1 or ::1, which exist only while it is up. */
int qr_inet_loopback(void);

/* connect() of s (a TCP one in repair mode: no SYN) to peer, routed through the
 * loopback whatever this system's routes are; then unbound from it, so
 * that its next segment is routed as any other. remote: the peer is on
 * another machine (not a kept socket's other end), which IPv6 reaches
 * so only through a private route (inet_route6.c); a local peer whose
 * address is gone stays unreachable. 0, or -1 with errno and *what. */
int qr_inet_connect_unrouted(int s, const struct sockaddr *peer,
			     socklen_t len, bool remote, const char **what);

#endif
