/* The keep record (keep_record.c): round trip and refusals. */
#include <stdlib.h>

#include "image/keep_record.h"
#include "test.h"

static const char *bad(const char *s)
{
	static struct qr_err e;
	struct qr_keep k;

	if (!qr_keep_parse(s, strlen(s), &k, &e)) {
		qr_keep_free(&k);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(keep_round_trip)
{
	struct qr_keep k = { .token = "0123456789abcdef" }, back;
	struct qr_strbuf b = { 0 };
	struct qr_err e = { "" };
	pid_t a[] = { 812, 813 }, c[] = { 4194304 };

	CHECK(!qr_keep_add_unit(&k, "redis-server.service", a, 2, &e));
	CHECK(!qr_keep_add_unit(&k, "getty@tty1.service", c, 1, &e));
	qr_keep_format(&k, &b);
	CHECK_STR(qr_strbuf_str(&b), "quickreboot-keep 1\ntoken 0123456789abcdef\n"
		  "unit redis-server.service 812 813\nunit getty@tty1.service 4194304\n");
	CHECK(!qr_keep_parse(b.s, b.len, &back, &e));
	CHECK_STR(back.token, k.token);
	CHECK_U64(back.nunits, 2);
	CHECK_STR(back.unit[0].name, "redis-server.service");
	CHECK_U64(back.unit[0].npids, 2);
	CHECK_U64(back.unit[0].pid[0], 812);
	CHECK_U64(back.unit[0].pid[1], 813);
	CHECK_U64(back.unit[1].pid[0], 4194304);
	qr_keep_free(&back);
	qr_keep_free(&k);
	qr_strbuf_free(&b);
}

TEST(keep_no_units)
{
	const char *s = "quickreboot-keep 1\ntoken ffffffffffffffff\n";
	struct qr_keep k;
	struct qr_err e;

	CHECK(!qr_keep_parse(s, strlen(s), &k, &e));
	CHECK_U64(k.nunits, 0);
	qr_keep_free(&k);
}

TEST(keep_refusals)
{
	CHECK_HAS(bad(""), "newline");
	CHECK_HAS(bad("quickreboot-keep 2\ntoken 0123456789abcdef\n"), "not a keep record");
	CHECK_HAS(bad("quickreboot-keep 1\n"), "no token");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef"), "newline");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789ABCDEF\n"), "line 2: expected \"token\"");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123\n"), "not 'token 0123'");
	CHECK_HAS(bad("quickreboot-keep 1\nunit a.service 12\ntoken 0123456789abcdef\n"),
		  "line 2: expected");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\ntoken 0123456789abcdef\n"),
		  "line 3: unexpected 'token");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service\n"),
		  "line 3: unit without process");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 1\n"),
		  "line 3: unit a.service: 1 is not a PID");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 012\n"),
		  "not a PID: '012'");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 12 \n"),
		  "not a PID: ''");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 4194305\n"),
		  "not a PID: '4194305'");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.socket 12\n"),
		  "not a service unit name: 'a.socket'");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 12 12\n"),
		  "PID 12 is listed twice");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 12\n"
		      "unit b.service 12\n"), "line 4: unit b.service: PID 12 is listed twice");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 12\n"
		      "unit a.service 13\n"), "unit a.service is listed twice");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nunit a.service 12\t\n"),
		  "control character");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\n\n"), "line 3: unexpected ''");
	CHECK_HAS(bad("quickreboot-keep 1\ntoken 0123456789abcdef\nkeep-pid 12\n"),
		  "unexpected 'keep-pid 12'");
}

TEST(keep_token_valid)
{
	CHECK(qr_keep_token_valid("0123456789abcdef"));
	CHECK(!qr_keep_token_valid("0123456789abcde"));
	CHECK(!qr_keep_token_valid("0123456789abcdef0"));
	CHECK(!qr_keep_token_valid("0123456789abcdeg"));
}
