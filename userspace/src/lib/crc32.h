/* CRC-32 as zlib computes it (and the kernel's crc32_le(~0, ...) ^ ~0):
 * the checksum of the shelter header and of the image. */
#ifndef QR_CRC32_H
#define QR_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc (0 to start) over len bytes. */
uint32_t qr_crc32(uint32_t crc, const void *buf, size_t len);

#endif
