/* Sizes, addresses and SIZE@ADDR ranges. */
#include "lib/size.h"
#include "test.h"

static uint64_t size_ok(const char *s)
{
	struct qr_err e = { "" };
	uint64_t v = 0xdead;

	if (qr_parse_size(s, &v, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_parse_size", e.msg, s);
	return v;
}

static const char *size_bad(const char *s)
{
	static struct qr_err e;
	uint64_t v = 0xdead;

	if (!qr_parse_size(s, &v, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	if (v != 0xdead)
		qr_test_fail(__FILE__, __LINE__, "output written on error");
	return e.msg;
}

TEST(size_decimal)
{
	CHECK_U64(size_ok("0"), 0);
	CHECK_U64(size_ok("1"), 1);
	CHECK_U64(size_ok("4096"), 4096);
	CHECK_U64(size_ok("18446744073709551615"), UINT64_MAX);
}

TEST(size_hex)
{
	CHECK_U64(size_ok("0x30000000"), 0x30000000);
	CHECK_U64(size_ok("0XaBcD"), 0xabcd);
	CHECK_U64(size_ok("0xffffffffffffffff"), UINT64_MAX);
	CHECK_U64(size_ok("0x0"), 0);
}

TEST(size_octal_like_memparse)
{
	CHECK_U64(size_ok("010"), 8);
	CHECK_U64(size_ok("00"), 0);
	CHECK_HAS(size_bad("08"), "'08'");
}

TEST(size_suffixes)
{
	CHECK_U64(size_ok("1K"), 1024);
	CHECK_U64(size_ok("1k"), 1024);
	CHECK_U64(size_ok("64M"), 64ull << 20);
	CHECK_U64(size_ok("64m"), 64ull << 20);
	CHECK_U64(size_ok("1G"), 1ull << 30);
	CHECK_U64(size_ok("2T"), 2ull << 40);
	CHECK_U64(size_ok("3P"), 3ull << 50);
	CHECK_U64(size_ok("15E"), 15ull << 60);
	CHECK_U64(size_ok("0x10M"), 16ull << 20);
	CHECK_U64(size_ok("0M"), 0);
}

TEST(size_hex_digit_e_is_not_a_suffix)
{
	CHECK_U64(size_ok("0x1e"), 0x1e);
	CHECK_U64(size_ok("0x1E"), 0x1e);
	CHECK_U64(size_ok("0x1G"), 1ull << 30);
	CHECK_U64(size_ok("0x1eE"), 0x1ee);
}

TEST(size_overflow_refused)
{
	CHECK_HAS(size_bad("18446744073709551616"), "'18446744073709551616'");
	CHECK_HAS(size_bad("0x10000000000000000"), "64 bits");
	CHECK_HAS(size_bad("16E"), "'16E'");
	CHECK_HAS(size_bad("16384P"), "64 bits");
	CHECK_HAS(size_bad("16777216T"), "64 bits");
	CHECK_HAS(size_bad("17179869184G"), "64 bits");
	CHECK_U64(size_ok("17179869183G"), 17179869183ull << 30);
	CHECK_HAS(size_bad("99999999999999999999999999"), "64 bits");
}

TEST(size_garbage_refused)
{
	CHECK_HAS(size_bad(""), "expected a number");
	CHECK_HAS(size_bad("M"), "'M'");
	CHECK_HAS(size_bad("-1"), "'-1'");
	CHECK_HAS(size_bad("+1"), "'+1'");
	CHECK_HAS(size_bad(" 1"), "' 1'");
	CHECK_HAS(size_bad("1 "), "'1 '");
	CHECK_HAS(size_bad("0x"), "'0x'");
	CHECK_HAS(size_bad("0xg"), "'0xg'");
	CHECK_HAS(size_bad("64MB"), "'B'");
	CHECK_HAS(size_bad("64Q"), "'64Q'");
	CHECK_HAS(size_bad("1KK"), "'1KK'");
	CHECK_HAS(size_bad("12a"), "'12a'");
}

TEST(size_error_escapes_control_bytes)
{
	const char *msg = size_bad("1\x1b[2J");

	CHECK_HAS(msg, "\\x1b");
	CHECK(!strchr(msg, '\x1b'));
}

TEST(size_error_cuts_long_tokens)
{
	char longtok[2000];

	memset(longtok, 'z', sizeof(longtok) - 1);
	longtok[sizeof(longtok) - 1] = '\0';
	CHECK_HAS(size_bad(longtok), "...");
	CHECK(strlen(size_bad(longtok)) < QR_ERR_MAX);
}

TEST(size_prefix_reports_end)
{
	const char *s = "64M$0x1000", *end = NULL;
	uint64_t v = 0;
	struct qr_err e;

	CHECK(qr_parse_size_prefix(s, &end, &v, s, &e) == 0);
	CHECK_U64(v, 64ull << 20);
	CHECK(end == s + 3);
}

static struct qr_range range_ok(const char *s, char sep)
{
	struct qr_range r = { 0, 0 };
	struct qr_err e = { "" };

	if (qr_parse_range(s, sep, &r, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_parse_range", e.msg, s);
	return r;
}

static const char *range_bad(const char *s, char sep)
{
	static struct qr_err e;
	struct qr_range r;

	if (!qr_parse_range(s, sep, &r, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(range_good)
{
	struct qr_range r = range_ok("64M@0x30000000", '@');

	CHECK_U64(r.size, 64ull << 20);
	CHECK_U64(r.start, 0x30000000);
	CHECK_U64(qr_range_last(&r), 0x33ffffff);
	r = range_ok("1G$4G", '$');
	CHECK_U64(r.start, 4ull << 30);
	CHECK_U64(r.size, 1ull << 30);
}

TEST(range_at_top_of_address_space)
{
	struct qr_range r = range_ok("4K@0xfffffffffffff000", '@');

	CHECK_U64(qr_range_last(&r), UINT64_MAX);
	r = range_ok("18446744073709551615@1", '@');
	CHECK_U64(qr_range_last(&r), UINT64_MAX);
	CHECK_HAS(range_bad("8K@0xfffffffffffff000", '@'), "64-bit address space");
	CHECK_HAS(range_bad("18446744073709551615@2", '@'), "'18446744073709551615@2'");
}

TEST(range_bad_forms)
{
	CHECK_HAS(range_bad("0@0x1000", '@'), "size is zero");
	CHECK_HAS(range_bad("64M", '@'), "'64M': expected SIZE@ADDR");
	CHECK_HAS(range_bad("64M$0x1000", '@'), "'64M$0x1000'");
	CHECK_HAS(range_bad("64M@", '@'), "'64M@'");
	CHECK_HAS(range_bad("@0x1000", '@'), "'@0x1000'");
	CHECK_HAS(range_bad("64M@0x1000x", '@'), "'64M@0x1000x'");
	CHECK_HAS(range_bad("64M@@0x1000", '@'), "'64M@@0x1000'");
	CHECK_HAS(range_bad("64M@99999999999999999999", '@'), "64 bits");
}
