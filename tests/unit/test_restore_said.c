/* The lines restore prints about what it did. */
#include <stdint.h>

#include "quickreboot/restore_abi.h"
#include "restore/said.h"
#include "test.h"

static const char *handback(const struct qr_handback_said *h)
{
	static char line[QR_SAID_MAX];

	qr_said_handback(line, sizeof(line), h);
	return line;
}

static const char *restore(const struct qr_restore_said *r)
{
	static char line[QR_SAID_MAX];

	qr_said_restore(line, sizeof(line), r);
	return line;
}

TEST(said_handback_zero_copy)
{
	struct qr_span next = { 0x10000000, 0x20000000 };
	struct qr_handback_said h = {
		.added = 1536ull << 20, .ns = 42900000, .nframes = 16384,
		.mode = QR_MODE_ZERO_COPY, .next = &next,
	};

	CHECK_STR(handback(&h), "hand-back: 1536 MiB in 42 ms (16384 frames held aside, zero copy); next boot area 256M@0x10000000");
	h.mode = QR_MODE_COPY;
	h.next = NULL;
	CHECK_STR(handback(&h), "hand-back: 1536 MiB in 42 ms (16384 frames held aside, copy mode); no next boot area");
}

/* An image without frames (copy mode), or none at all: no mode. */
TEST(said_handback_no_frames)
{
	struct qr_span next = { 0x10000000, 0x20000000 };
	struct qr_handback_said h = {
		.added = 1536ull << 20, .ns = 7000000,
		.mode = QR_MODE_ZERO_COPY, .next = &next,
	};

	CHECK_STR(handback(&h), "hand-back: 1536 MiB in 7 ms; next boot area 256M@0x10000000");
}

/* A zero-copy restore after a hand-back, as the tests' starting point. */
static struct qr_restore_said zero_copy(void)
{
	return (struct qr_restore_said){
		.handback_ns = 40000000, .processes_ns = 812000000,
		.adopt_mode = QR_MODE_ZERO_COPY, .adopt_ns = 246000000,
		.fill_ns = 3000000, .huge = 31,
	};
}

TEST(said_restore_zero_copy)
{
	struct qr_restore_said r = zero_copy();

	CHECK_STR(restore(&r), "restore: hand-back 40 ms, processes 812 ms (adopt 246 ms, zero copy, 31 huge pages, read pages 3 ms)");
	r.huge = -1;
	CHECK_STR(restore(&r), "restore: hand-back 40 ms, processes 812 ms (adopt 246 ms, zero copy, read pages 3 ms)");
	/* Adopted in less than a millisecond is still adopted. */
	r.adopt_ns = 300000;
	CHECK_STR(restore(&r), "restore: hand-back 40 ms, processes 812 ms (adopt 0 ms, zero copy, read pages 3 ms)");
}

/* The module copied the frames: no huge pages to speak of. */
TEST(said_restore_copy_mode_adoption)
{
	struct qr_restore_said r = zero_copy();

	r.adopt_mode = QR_MODE_COPY;
	CHECK_STR(restore(&r), "restore: hand-back 40 ms, processes 812 ms (adopt 246 ms, copy mode, read pages 3 ms)");
}

/* Nothing adopted: no adopt time, no mode. */
TEST(said_restore_nothing_adopted)
{
	struct qr_restore_said r = zero_copy();

	r.adopt_mode = 0;
	r.adopt_ns = 0;
	CHECK_STR(restore(&r), "restore: hand-back 40 ms, processes 812 ms (read pages 3 ms)");
	r.handback_ns = 0;
	CHECK_STR(restore(&r), "restore: hand-back 0 ms, processes 812 ms (read pages 3 ms)");
	/* A kernel not confined to a boot area hands nothing back. */
	r.handback_ns = UINT64_MAX;
	CHECK_STR(restore(&r), "restore: processes 812 ms (read pages 3 ms)");
}

/* A short buffer gets the line's beginning, terminated. */
TEST(said_truncated)
{
	struct qr_restore_said r = zero_copy();
	char line[24];

	qr_said_restore(line, sizeof(line), &r);
	CHECK_STR(line, "restore: hand-back 40 m");
}
