/* The event kinds' fdinfo parsers (as 6.1 and 6.12 print it), their image
 * data decoders, through the image too, and the timer's plan at restore. */
#include <stdlib.h>

#include "fds/event.h"
#include "image/image.h"
#include "test.h"

#define EV_61 "pos:\t0\nflags:\t02004002\nmnt_id:\t15\nino:\t1057\n" \
	"eventfd-count:                5\neventfd-id: 3\n"

TEST(eventfd_fdinfo)
{
	struct qri_eventfd ev;
	struct qr_err e;
	int known;

	CHECK(!qr_eventfd_parse(EV_61, &ev, &known, &e));
	CHECK_U64(ev.count, 5);
	CHECK_U64(known, 0);
	CHECK(!qr_eventfd_parse(EV_61 "eventfd-semaphore: 1\n", &ev, &known, &e));
	CHECK_U64(ev.flags, QRI_EFD_SEMAPHORE);
	CHECK_U64(known, 1);
	CHECK(!qr_eventfd_parse("eventfd-count: fffffffffffffffe\neventfd-semaphore: 0",
				&ev, &known, &e));
	CHECK_U64(ev.count, 0xfffffffffffffffeull);
	CHECK_U64(ev.flags, 0);
	/* Beyond the counter's range, not hex, missing, a mode of 2. */
	CHECK(qr_eventfd_parse("eventfd-count: ffffffffffffffff\n", &ev, &known, &e));
	CHECK(qr_eventfd_parse("eventfd-count: 1ffffffffffffffff\n", &ev, &known, &e));
	CHECK(qr_eventfd_parse("eventfd-count: 5x\n", &ev, &known, &e));
	CHECK(qr_eventfd_parse("eventfd-count: -5\n", &ev, &known, &e));
	CHECK(qr_eventfd_parse("eventfd-count:\n", &ev, &known, &e));
	CHECK(qr_eventfd_parse("xeventfd-count: 5\n", &ev, &known, &e));
	CHECK_HAS(e.msg, "eventfd-count");
	CHECK(qr_eventfd_parse("eventfd-count: 5\neventfd-semaphore: 2\n", &ev, &known, &e));
}

#define TFD "pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t1057\nclockid: 1\n" \
	"ticks: 3\nsettime flags: 01\nit_value: (2, 982908077)\n" \
	"it_interval: (1, 500)\n"

TEST(timerfd_fdinfo)
{
	struct qri_timerfd t;
	struct qr_err e;

	CHECK(!qr_timerfd_parse(TFD, &t, &e));
	CHECK_U64(t.clockid, 1);
	CHECK_U64(t.ticks, 3);
	CHECK_U64(t.settime_flags, QRI_TFD_ABSTIME);
	CHECK_U64(t.value_ns, 2982908077ull);
	CHECK_U64(t.interval_ns, 1000000500ull);
	CHECK(!qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 03\n"
				"it_value: (0, 0)\nit_interval: (0, 0)\n", &t, &e));
	CHECK_U64(t.settime_flags, 3);
	/* A clock timerfd cannot have, unknown flags, nanoseconds of a
	 * second or more, no closing parenthesis, seconds beyond range. */
	CHECK(qr_timerfd_parse("clockid: 2\nticks: 0\nsettime flags: 0\n"
			       "it_value: (0, 0)\nit_interval: (0, 0)\n", &t, &e));
	CHECK_HAS(e.msg, "clockid");
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 04\n"
			       "it_value: (0, 0)\nit_interval: (0, 0)\n", &t, &e));
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 08\n"
			       "it_value: (0, 0)\nit_interval: (0, 0)\n", &t, &e));
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 0\n"
			       "it_value: (0, 1000000000)\nit_interval: (0, 0)\n", &t, &e));
	CHECK_HAS(e.msg, "it_value");
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 0\n"
			       "it_value: (0, 5\nit_interval: (0, 0)\n", &t, &e));
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 0\n"
			       "it_value: (9223372036, 0)\nit_interval: (0, 0)\n", &t, &e));
	CHECK(qr_timerfd_parse("clockid: 0\nticks: 0\nsettime flags: 0\n"
			       "it_value: (1, 0)\n", &t, &e));
	CHECK_HAS(e.msg, "it_interval");
	CHECK(qr_timerfd_parse("clockid: 0\nticks: x\n", &t, &e));
}

TEST(signalfd_fdinfo)
{
	struct qri_signalfd s;
	struct qr_err e;

	CHECK(!qr_signalfd_parse("pos:\t0\nflags:\t02\nsigmask:\t0000000800000200\n",
				 &s, &e));
	CHECK_U64(s.sigmask, 0x800000200ull);
	CHECK(qr_signalfd_parse("sigmask:\t800000200\n", &s, &e));
	CHECK(qr_signalfd_parse("sigmask:\t000000080000020g\n", &s, &e));
	CHECK(qr_signalfd_parse("sigmask:\t00000008000002000\n", &s, &e));
	CHECK(qr_signalfd_parse("pos:\t0\n", &s, &e));
	CHECK_HAS(e.msg, "sigmask");
}

#define EP "pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t1057\n" \
	"tfd:        6 events: 10000019 data:                3  pos:0 ino:40e sdev:10\n" \
	"tfd:        3 events: 80000019 data: 1122334455667788  pos:0 ino:40e sdev:10\n" \
	"tfd:        4 events: 40000000 data: ffffffffffffffff  pos:0 ino:40e sdev:10\n"

TEST(epoll_fdinfo)
{
	struct qri_epoll_target *v;
	struct qr_err e;
	size_t n;

	CHECK(!qr_epoll_parse(EP, &v, &n, &e));
	CHECK_U64(n, 3);
	CHECK_U64(v[0].fd, 6);
	CHECK_U64(v[0].events, 0x10000019);
	CHECK_U64(v[0].data, 3);
	CHECK_U64(v[1].fd, 3);
	CHECK_U64(v[1].events, 0x80000019);
	CHECK_U64(v[1].data, 0x1122334455667788ull);
	CHECK_U64(v[2].events, 0x40000000);
	CHECK_U64(v[2].data, UINT64_MAX);
	free(v);
	CHECK(!qr_epoll_parse("pos:\t0\nflags:\t02\n", &v, &n, &e));
	CHECK_U64(n, 0);
	CHECK(!v);
	/* The last line without its newline, and without what follows data. */
	CHECK(!qr_epoll_parse("tfd: 7 events: 1 data: 0", &v, &n, &e));
	CHECK_U64(n, 1);
	free(v);
	/* Negative or huge fd, an event bit epoll has not, data beyond 64
	 * bits, a word glued to data, a field missing. */
	CHECK(qr_epoll_parse("tfd: -1 events: 1 data: 0\n", &v, &n, &e));
	CHECK_HAS(e.msg, "tfd: -1");
	CHECK(qr_epoll_parse("tfd: 2147483648 events: 1 data: 0\n", &v, &n, &e));
	CHECK(qr_epoll_parse("tfd: 1 events: 8000000 data: 0\n", &v, &n, &e));
	CHECK(qr_epoll_parse("tfd: 1 events: 1 data: 11112222333344445\n", &v, &n, &e));
	CHECK(qr_epoll_parse("tfd: 1 events: 1 data: 0pos:0\n", &v, &n, &e));
	CHECK(qr_epoll_parse("tfd: 1 data: 0\n", &v, &n, &e));
	CHECK(qr_epoll_parse(EP "tfd: 1 events: 1\n", &v, &n, &e));
}

TEST(event_decode)
{
	struct qri_eventfd ev = { .count = 7, .flags = QRI_EFD_SEMAPHORE };
	struct qri_timerfd t = { .clockid = 7, .settime_flags = 3, .value_ns = 5 };
	struct qri_signalfd s = { .sigmask = 1 };
	struct {
		struct qri_epoll h;
		struct qri_epoll_target t[2];
	} ep = { { 100, 5, 2, 0 }, { { 3, 0x80000001, 9 }, { 4, 1, 0 } } };
	const struct qri_epoll_target *tv;
	struct qri_eventfd ev2;
	struct qri_timerfd t2;
	struct qri_signalfd s2;
	struct qri_epoll h;
	struct qr_err e;

	CHECK(!qr_eventfd_decode((uint8_t *)&ev, sizeof(ev), &ev2, &e));
	CHECK_U64(ev2.count, 7);
	CHECK(qr_eventfd_decode((uint8_t *)&ev, sizeof(ev) - 1, &ev2, &e));
	ev.flags = 2;
	CHECK(qr_eventfd_decode((uint8_t *)&ev, sizeof(ev), &ev2, &e));
	ev.flags = 0;
	ev.count = UINT64_MAX;
	CHECK(qr_eventfd_decode((uint8_t *)&ev, sizeof(ev), &ev2, &e));

	CHECK(!qr_timerfd_decode((uint8_t *)&t, sizeof(t), &t2, &e));
	t.clockid = 3;
	CHECK(qr_timerfd_decode((uint8_t *)&t, sizeof(t), &t2, &e));
	t.clockid = -1;
	CHECK(qr_timerfd_decode((uint8_t *)&t, sizeof(t), &t2, &e));
	t.clockid = 0;
	t.interval_ns = QRI_TFD_MAX_NS;
	CHECK(qr_timerfd_decode((uint8_t *)&t, sizeof(t), &t2, &e));

	CHECK(!qr_signalfd_decode((uint8_t *)&s, sizeof(s), &s2, &e));
	CHECK(qr_signalfd_decode((uint8_t *)&s, 4, &s2, &e));

	CHECK(!qr_epoll_decode((uint8_t *)&ep, sizeof(ep), &h, &tv, &e));
	CHECK_U64(h.owner_pid, 100);
	CHECK_U64(h.ntargets, 2);
	CHECK_U64(tv[1].fd, 4);
	CHECK(qr_epoll_decode((uint8_t *)&ep, sizeof(ep) - 1, &h, &tv, &e));
	CHECK(qr_epoll_decode((uint8_t *)&ep, 8, &h, &tv, &e));
	ep.h.ntargets = 3;
	CHECK(qr_epoll_decode((uint8_t *)&ep, sizeof(ep), &h, &tv, &e));
	ep.h.ntargets = 0xffffffffu;
	CHECK(qr_epoll_decode((uint8_t *)&ep, sizeof(ep), &h, &tv, &e));
	ep.h.ntargets = 2;
	ep.t[1].events = 1u << 27;
	CHECK(qr_epoll_decode((uint8_t *)&ep, sizeof(ep), &h, &tv, &e));
	ep.t[1].events = 1;
	ep.t[1].fd = 0x80000000u;
	CHECK(qr_epoll_decode((uint8_t *)&ep, sizeof(ep), &h, &tv, &e));
}

TEST(timerfd_plan)
{
	struct qri_timerfd t = { .value_ns = 500, .interval_ns = 0, .ticks = 0 };
	struct qr_timerfd_plan p;

	/* Not due yet: what is left. */
	qr_timerfd_plan(&t, 200, &p);
	CHECK_U64(p.value_ns, 300);
	CHECK_U64(p.ticks, 0);
	/* A one-shot due during the reboot: one expiration, disarmed. */
	qr_timerfd_plan(&t, 500, &p);
	CHECK_U64(p.value_ns, 0);
	CHECK_U64(p.ticks, 1);
	/* Periodic: once at 500, then at 600, 700 (elapsed 750), next at
	 * 800, with the 2 not read yet. */
	t.interval_ns = 100;
	t.ticks = 2;
	qr_timerfd_plan(&t, 750, &p);
	CHECK_U64(p.ticks, 5);
	CHECK_U64(p.value_ns, 50);
	CHECK_U64(p.interval_ns, 100);
	/* Exactly on an expiry: counted, the next a whole interval on. */
	qr_timerfd_plan(&t, 700, &p);
	CHECK_U64(p.ticks, 5);
	CHECK_U64(p.value_ns, 100);
	/* Read at 0 left while periodic: due then, counted in ticks then;
	 * 250 later, two more. */
	t.value_ns = 0;
	t.ticks = 1;
	qr_timerfd_plan(&t, 0, &p);
	CHECK_U64(p.ticks, 1);
	CHECK_U64(p.value_ns, 100);
	qr_timerfd_plan(&t, 250, &p);
	CHECK_U64(p.ticks, 3);
	CHECK_U64(p.value_ns, 50);
	/* Disarmed: stays so, its expirations kept. */
	t.interval_ns = 0;
	t.ticks = 4;
	qr_timerfd_plan(&t, 1000, &p);
	CHECK_U64(p.value_ns, 0);
	CHECK_U64(p.ticks, 4);
	/* The count saturates. */
	t.value_ns = 1;
	t.interval_ns = 1;
	t.ticks = UINT64_MAX - 1;
	qr_timerfd_plan(&t, 10, &p);
	CHECK_U64(p.ticks, UINT64_MAX);
}

TEST(fdinfo_field_and_num)
{
	const char *v, *p;
	uint64_t n;
	size_t len;

	v = qr_fdinfo_field("a: 1\nsettime flags: 07\nflags:\t02", "flags:", &len);
	CHECK(v && len == 2 && !strncmp(v, "02", 2));
	v = qr_fdinfo_field("a: 1\nsettime flags: 07\n", "settime flags:", &len);
	CHECK(v && len == 2 && !strncmp(v, "07", 2));
	CHECK(!qr_fdinfo_field("xa: 1\n", "a:", &len));
	p = "18446744073709551615";
	CHECK(!qr_fdinfo_num(&p, p + 20, 10, &n));
	CHECK_U64(n, UINT64_MAX);
	p = "18446744073709551616";
	CHECK(qr_fdinfo_num(&p, p + 20, 10, &n));
	p = "8";
	CHECK(qr_fdinfo_num(&p, p + 1, 8, &n));
	p = "";
	CHECK(qr_fdinfo_num(&p, p, 10, &n));
}

/* The kinds' data through the image writer and reader, decoded as
 * restore does. */
TEST(event_image)
{
	static uint8_t regs[QRI_REGS_SIZE], xstate[QRI_XSTATE_MIN];
	struct qri_process p = { .pid = 7, .ppid = 1, .pgid = 7, .sid = 7,
				 .umask = 022, .comm = "loop" };
	struct qri_thread t = { .pid = 7, .tid = 7, .regs_len = sizeof(regs),
				.xstate_len = sizeof(xstate) };
	struct qri_eventfd ev = { .count = 9 }, ev2;
	struct qri_timerfd tf = { .clockid = 1, .value_ns = 5 }, tf2;
	struct {
		struct qri_epoll h;
		struct qri_epoll_target t[1];
	} ep = { { 7, 5, 1, 0 }, { { 3, 0x80000019, 42 } } };
	const struct qri_epoll_target *tv;
	const void *data[3] = { &ev, &tf, &ep };
	const uint32_t kinds[3] = { QRI_FD_EVENTFD, QRI_FD_TIMERFD, QRI_FD_EPOLL },
		       len[3] = { sizeof(ev), sizeof(tf), sizeof(ep) };
	struct qri_writer w;
	struct qri_image img;
	struct qri_epoll h;
	struct qr_err e;

	qri_writer_init(&w, "test");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	for (uint32_t i = 0; i < 3; i++) {
		struct qri_file f = { .id = i + 1, .kind = kinds[i],
				      .open_flags = 2, .data_len = len[i] };
		struct qri_fd fd = { .pid = 7, .fd = 3 + i, .file = i + 1 };

		qri_add_file(&w, &f, "anon_inode:[x]", data[i]);
		qri_add_fd(&w, &fd);
	}
	CHECK(!qri_finish(&w));
	CHECK(!qri_parse(w.buf, w.len, &img, &e));
	CHECK_U64(img.nfiles, 3);
	CHECK(!qr_eventfd_decode(img.files[0].data, img.files[0].f.data_len, &ev2, &e));
	CHECK_U64(ev2.count, 9);
	CHECK(!qr_timerfd_decode(img.files[1].data, img.files[1].f.data_len, &tf2, &e));
	CHECK_U64(tf2.value_ns, 5);
	CHECK(!qr_epoll_decode(img.files[2].data, img.files[2].f.data_len, &h, &tv, &e));
	CHECK_U64(h.owner_fd, 5);
	CHECK_U64(tv[0].data, 42);
	qri_free(&img);
	qri_writer_free(&w);
}
