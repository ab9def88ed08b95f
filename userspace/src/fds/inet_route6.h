/* An IPv6 connection made in repair mode with no route to its peer
 * (inet_route6.c): restore runs before the network is configured. */
#ifndef QR_FDS_INET_ROUTE6_H
#define QR_FDS_INET_ROUTE6_H

#include <netinet/in.h>

/* connect() of s (an IPv6 socket, TCP in repair mode: nothing is sent)
 * to peer through a private route that makes the peer local for this
 * connect only. 0, or -1 with errno and *what. The route and its rule
 * are gone after, the socket's mark 0 (its own is set with its options). */
int qr_inet6_connect_private(int s, const struct sockaddr_in6 *peer,
			     const char **what);

#endif
