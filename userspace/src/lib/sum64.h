/* A fast 64-bit checksum of page contents: four independent lanes of
 * multiply-xor over 8-byte words, so that it runs near memory speed even
 * under emulation (a bitwise CRC does not). It finds corruption and
 * mix-ups, not forgery: whoever can write the shelter is root anyway.
 * Streaming and one-shot give the same sum for the same bytes. Pure. */
#ifndef QR_SUM64_H
#define QR_SUM64_H

#include <stddef.h>
#include <stdint.h>

struct qr_sum64 {
	uint64_t lane[4];
	uint64_t len;
	uint8_t carry[32];	/* bytes short of a whole 32-byte step */
	unsigned int ncarry;
};

void qr_sum64_init(struct qr_sum64 *s);
void qr_sum64_update(struct qr_sum64 *s, const void *buf, size_t len);
uint64_t qr_sum64_final(const struct qr_sum64 *s);

/* The sum of len bytes in one call. */
uint64_t qr_sum64(const void *buf, size_t len);

#endif
