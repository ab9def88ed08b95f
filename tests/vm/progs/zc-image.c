// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: damages the PFN map of a zero-copy checkpoint image the way
 * a corrupted shelter or a hostile image could, keeping its checksums
 * right, so that only the checks on frames can refuse it.
 *
 *   zc-image IMAGE frame N PFN     the N-th frame run (from 0) starts at PFN
 *   zc-image IMAGE count N COUNT   the N-th frame run has COUNT frames
 *   zc-image IMAGE copied N PFN    the N-th run of copied pages becomes
 *                                  a frame run from PFN on
 *   zc-image IMAGE show N          prints the N-th frame run: "addr=A
 *                                  pfn=P count=C"
 *
 * Layout: userspace/src/image/format.h (header of 64 bytes, records of a
 * 16-byte header, a fixed part and a tail, padded to 8; QRI_PAGE_RUNS = 9
 * with a 24-byte fixed part, then runs of 32 bytes, kind 1 = frames).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
	uint64_t addr, count, where;
	uint32_t kind, pad;
};

static uint32_t crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0u;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* The n-th run of kind (1 frames, 2 copied), or NULL. */
static struct run *nth_run(uint8_t *buf, size_t len, uint32_t kind,
			   unsigned long n)
{
	size_t pos = 64;

	while (pos + 16 <= len) {
		uint16_t type;
		uint32_t fixed;
		uint64_t length;

		memcpy(&type, buf + pos, 2);
		memcpy(&fixed, buf + pos + 4, 4);
		memcpy(&length, buf + pos + 8, 8);
		if (type == 9) {
			struct run *r = (struct run *)(buf + pos + 16 + fixed);
			size_t k = (length - fixed) / sizeof(*r);

			for (size_t i = 0; i < k; i++)
				if (r[i].kind == kind && n-- == 0)
					return &r[i];
		}
		pos += 16 + length + (8 - length % 8) % 8;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	FILE *f = argc >= 4 ? fopen(argv[1], "r+b") : NULL;
	uint8_t *buf = malloc(64 << 20);
	size_t len = f && buf ? fread(buf, 1, 64 << 20, f) : 0;
	uint32_t kind = argc >= 3 && !strcmp(argv[2], "copied") ? 2 : 1;
	struct run *r = len > 64 ? nth_run(buf, len, kind, strtoul(argv[3], NULL, 0)) : NULL;
	uint32_t crc;

	if (!r) {
		fprintf(stderr, "usage: zc-image IMAGE frame|count|copied|show N [VALUE] (no such run?)\n");
		return 2;
	}
	if (!strcmp(argv[2], "show")) {
		printf("addr=0x%llx pfn=0x%llx count=%llu\n", (unsigned long long)r->addr,
		       (unsigned long long)r->where, (unsigned long long)r->count);
		return 0;
	}
	if (argc != 5)
		return 2;
	if (!strcmp(argv[2], "frame"))
		r->where = strtoull(argv[4], NULL, 0);
	else if (!strcmp(argv[2], "count"))
		r->count = strtoull(argv[4], NULL, 0);
	else if (!strcmp(argv[2], "copied")) {
		r->kind = 1;
		r->where = strtoull(argv[4], NULL, 0);
	}
	else
		return 2;
	crc = crc32(buf + 64, len - 64);
	memcpy(buf + 32, &crc, 4);		/* body_crc32 */
	memset(buf + 36, 0, 4);
	crc = crc32(buf, 64);
	memcpy(buf + 36, &crc, 4);		/* header_crc32 */
	rewind(f);
	if (fwrite(buf, 1, len, f) != len || fclose(f))
		return 1;
	return 0;
}
