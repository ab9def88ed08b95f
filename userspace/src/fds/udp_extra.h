/* What a UDP socket holds that its image does not: socket filters and
 * multicast memberships (udp.c refuses them by name). */
#ifndef QR_FDS_UDP_EXTRA_H
#define QR_FDS_UDP_EXTRA_H

#include <stddef.h>
#include <stdint.h>

/* Why socket s (of family) cannot be carried, into buf (of size): NULL
 * if nothing stands in the way. */
const char *qr_udp_extra(int s, uint8_t family, char *buf, size_t size);

#endif
