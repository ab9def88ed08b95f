/* The clocks record (QRI_CLOCKS) and the time namespace offsets restore
 * derives from it: what the writer puts in the reader gives back, bad
 * values and places are refused, an image without it still reads; the
 * offsets file parses as the kernel prints it and the offsets written make
 * the clocks go on from the checkpoint by the realtime elapsed. */
#include <stdlib.h>

#include "image/image.h"
#include "test.h"
#include "clocks/timens.h"

#define S 1000000000ull

static uint8_t regs[QRI_REGS_SIZE];

static void proc(struct qri_writer *w)
{
	struct qri_process p = { .pid = 9, .comm = "clk" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };

	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
}

static int parse(struct qri_writer *w, struct qri_image *img, struct qr_err *e)
{
	CHECK(!qri_finish(w));
	return qri_parse(w->buf, w->len, img, e);
}

static void refused(const struct qri_clocks *k, int twice, int after,
		    const char *needle)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e = { "" };

	qri_writer_init(&w, "test");
	if (after)
		proc(&w);
	qri_add_clocks(&w, k);
	if (twice)
		qri_add_clocks(&w, k);
	if (!after)
		proc(&w);
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, needle);
	qri_writer_free(&w);
}

static const struct qri_clocks good = {
	.monotonic_ns = 3600 * S + 5, .boottime_ns = 3700 * S + 7,
	.realtime_ns = 1764150000 * S + 11,
};

TEST(clocks_round_trip)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	qri_writer_init(&w, "test");
	qri_add_clocks(&w, &good);
	proc(&w);
	CHECK(parse(&w, &img, &e) == 0);
	CHECK(img.clocks != NULL);
	CHECK_U64(img.clocks->monotonic_ns, good.monotonic_ns);
	CHECK_U64(img.clocks->boottime_ns, good.boottime_ns);
	CHECK_U64(img.clocks->realtime_ns, good.realtime_ns);
	CHECK_U64(img.skipped, 0);
	qri_free(&img);
	qri_writer_free(&w);
}

TEST(clocks_absent_reads_as_before)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	qri_writer_init(&w, "test");
	proc(&w);
	CHECK(parse(&w, &img, &e) == 0);
	CHECK(img.clocks == NULL);
	qri_free(&img);
	qri_writer_free(&w);
}

TEST(clocks_written_optional)
{
	struct qri_writer w;
	struct qri_record r;

	qri_writer_init(&w, "test");
	qri_add_clocks(&w, &good);
	memcpy(&r, w.buf + sizeof(struct qri_header), sizeof(r));
	CHECK_U64(r.type, QRI_CLOCKS);
	CHECK(r.flags & QRI_REC_OPTIONAL);
	qri_writer_free(&w);
}

TEST(clocks_refused)
{
	struct qri_clocks k = good;

	refused(&good, 1, 0, "second one");
	refused(&good, 0, 1, "after a process");
	k.realtime_ns = 0;
	refused(&k, 0, 0, "out of range");
	k = good;
	k.monotonic_ns = QRI_MAX_CLOCK_NS;
	refused(&k, 0, 0, "out of range");
	k = good;
	k.boottime_ns = UINT64_MAX;
	refused(&k, 0, 0, "out of range");
	k = good;
	k.realtime_ns = QRI_MAX_CLOCK_NS;
	refused(&k, 0, 0, "out of range");
}

TEST(clocks_tail_refused)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e = { "" };
	uint64_t extra = 0;

	qri_writer_init(&w, "test");
	qri_add_raw(&w, QRI_CLOCKS, QRI_REC_OPTIONAL, &good, sizeof(good),
		    &extra, sizeof(extra));
	CHECK(parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "follow its fixed part");
	qri_writer_free(&w);
}

TEST(timens_parse_kernel_text)
{
	struct qr_timens_off o;
	struct qr_err e;

	CHECK(qr_timens_parse("monotonic           0         0\nboottime            0         0\n",
			      &o, &e) == 0);
	CHECK(o.monotonic_ns == 0 && o.boottime_ns == 0);
	CHECK(qr_timens_parse("monotonic       -3600 500000000\nboottime        86400         7\n",
			      &o, &e) == 0);
	CHECK(o.monotonic_ns == -3600 * (int64_t)S + 500000000);
	CHECK(o.boottime_ns == 86400 * (int64_t)S + 7);
	CHECK(qr_timens_parse("7 1 0\n1 2 0", &o, &e) == 0);
	CHECK(o.monotonic_ns == 2 * (int64_t)S && o.boottime_ns == (int64_t)S);
}

TEST(timens_parse_refused)
{
	static const char *const bad[] = {
		"", "monotonic 0 0\n", "boottime 0 0\n",
		"monotonic 0 0\nmonotonic 0 0\nboottime 0 0\n",
		"monotonic 0 0\nboottime 0 0\nboottime 0 0\n",
		"realtime 0 0\nmonotonic 0 0\nboottime 0 0\n",
		"monotonic 0 1000000000\nboottime 0 0\n",
		"monotonic 0 -1\nboottime 0 0\n",
		"monotonic x 0\nboottime 0 0\n",
		"monotonic 0\nboottime 0 0\n",
		"monotonic 0 0 junk\nboottime 0 0\n",
		"monotonic 99999999999 0\nboottime 0 0\n",
	};
	struct qr_timens_off o;
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		CHECK(qr_timens_parse(bad[i], &o, &e) == -1);
		CHECK_HAS(e.msg, "timens_offsets");
	}
}

TEST(timens_continue_adds_realtime_elapsed)
{
	struct qr_timens_off o;

	/* 90 s of wall-clock time since the checkpoint; the New kernel has
	 * been up 12 s (boottime 13 s). */
	qr_timens_continue(&good, 12 * S, 13 * S, good.realtime_ns + 90 * S, &o);
	CHECK(12 * (int64_t)S + o.monotonic_ns == (int64_t)(good.monotonic_ns + 90 * S));
	CHECK(13 * (int64_t)S + o.boottime_ns == (int64_t)(good.boottime_ns + 90 * S));
	/* The wall clock went back: the clocks go on from where they were. */
	qr_timens_continue(&good, 12 * S, 13 * S, good.realtime_ns - 50 * S, &o);
	CHECK(12 * (int64_t)S + o.monotonic_ns == (int64_t)good.monotonic_ns);
	CHECK(13 * (int64_t)S + o.boottime_ns == (int64_t)good.boottime_ns);
	/* Negative offsets: the host's clock is ahead of the kept one. */
	qr_timens_continue(&good, 7200 * S, 7200 * S, good.realtime_ns, &o);
	CHECK(o.monotonic_ns < 0 && o.boottime_ns < 0);
}

TEST(timens_format_as_the_kernel_takes_it)
{
	struct qr_timens_off o = { .monotonic_ns = -(int64_t)S - 1,
				   .boottime_ns = 3 * (int64_t)S + 5 };
	struct qr_timens_off back;
	struct qr_err e;
	char buf[128];

	CHECK(qr_timens_format(&o, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "monotonic -2 999999999\nboottime 3 5\n");
	CHECK(qr_timens_parse(buf, &back, &e) == 0);
	CHECK(back.monotonic_ns == o.monotonic_ns && back.boottime_ns == o.boottime_ns);
	CHECK(qr_timens_format(&o, buf, 10) == -1);
}
