/* What only NETLINK_SOCK_DIAG says about a TCP socket (linux/inet_diag.h). */
#ifndef QR_FDS_TCP_DIAG_H
#define QR_FDS_TCP_DIAG_H

#include <stdbool.h>
#include <stdint.h>

/* Whether the TCP socket of inode ino (family AF_INET or AF_INET6) has
 * a TCP_MD5SIG key: 1, 0, or -1 with errno if it cannot be told (the
 * keys show to CAP_NET_ADMIN only). The sockets are listed once for
 * check (check_only) and once for the capture, after the freeze, so
 * that what it says is what the frozen processes hold. */
int qr_tcp_md5(uint8_t family, uint64_t ino, bool check_only);

#endif
