/* See sum64.h. */
#include "lib/sum64.h"

#include <string.h>

#define K1 0x9e3779b97f4a7c15ull
#define K2 0xc2b2ae3d27d4eb4full

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static void step(uint64_t lane[4], const uint8_t *p)
{
	for (int i = 0; i < 4; i++) {
		uint64_t w;

		memcpy(&w, p + 8 * i, 8);
		lane[i] = rotl((lane[i] ^ w) * K1, 31);
	}
}

void qr_sum64_init(struct qr_sum64 *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 4; i++)
		s->lane[i] = K2 + i;
}

void qr_sum64_update(struct qr_sum64 *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	s->len += len;
	if (s->ncarry) {
		size_t take = 32 - s->ncarry < len ? 32 - s->ncarry : len;

		memcpy(s->carry + s->ncarry, p, take);
		s->ncarry += take;
		p += take;
		len -= take;
		if (s->ncarry < 32)
			return;
		step(s->lane, s->carry);
		s->ncarry = 0;
	}
	for (; len >= 32; p += 32, len -= 32)
		step(s->lane, p);
	memcpy(s->carry, p, len);
	s->ncarry = len;
}

uint64_t qr_sum64_final(const struct qr_sum64 *s)
{
	uint64_t lane[4], h = s->len * K1;
	uint8_t last[32] = { 0 };

	memcpy(lane, s->lane, sizeof(lane));
	if (s->ncarry) {
		memcpy(last, s->carry, s->ncarry);
		step(lane, last);
	}
	for (int i = 0; i < 4; i++)
		h = rotl((h ^ lane[i]) * K2, 27);
	return h ^ (h >> 29);
}

uint64_t qr_sum64(const void *buf, size_t len)
{
	struct qr_sum64 s;

	qr_sum64_init(&s);
	qr_sum64_update(&s, buf, len);
	return qr_sum64_final(&s);
}
