/* quickreboot.conf parser. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/conf.h"
#include "test.h"

static struct qr_conf ok(const char *s)
{
	struct qr_conf c = { 0 };
	struct qr_err e = { "" };

	if (qr_conf_parse(s, strlen(s), &c, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_conf_parse", e.msg, s);
	return c;
}

static const char *bad_n(const char *s, size_t len)
{
	static struct qr_err e;
	struct qr_conf c;

	if (!qr_conf_parse(s, len, &c, &e)) {
		qr_conf_free(&c);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

static const char *bad(const char *s)
{
	return bad_n(s, strlen(s));
}

TEST(conf_example)
{
	struct qr_conf c = ok("# what to keep\n"
			      "\n"
			      "keep-unit redis-server.service\n"
			      "  keep-unit\tgetty@tty1.service   # a comment\n"
			      "keep-pid 4242\r\n"
			      "keep-unit a\\x2db:c_d.service");

	CHECK_U64(c.n, 4);
	CHECK(c.entry[0].kind == QR_KEEP_UNIT);
	CHECK_STR(c.entry[0].unit, "redis-server.service");
	CHECK_U64(c.entry[0].line, 3);
	CHECK_STR(c.entry[1].unit, "getty@tty1.service");
	CHECK(c.entry[2].kind == QR_KEEP_PID);
	CHECK_U64(c.entry[2].pid, 4242);
	CHECK_U64(c.entry[2].line, 5);
	CHECK_STR(c.entry[3].unit, "a\\x2db:c_d.service");
	qr_conf_free(&c);
}

TEST(conf_empty_and_comments)
{
	struct qr_conf c = ok("");

	CHECK_U64(c.n, 0);
	qr_conf_free(&c);
	c = ok("#keep-unit x.service\n   \n\t# x\n#");
	CHECK_U64(c.n, 0);
	qr_conf_free(&c);
}

TEST(conf_refusals_name_the_line)
{
	CHECK_HAS(bad("keep-unit a.service\nkeep-units b.service\n"), "line 2");
	CHECK_HAS(bad("keep-units b.service"), "'keep-units'");
	CHECK_HAS(bad("keep-unit"), "missing value");
	CHECK_HAS(bad("keep-pid 12 13"), "unexpected word after the value: '13'");
	CHECK_HAS(bad("keep-unit foo"), "not a service unit name");
	CHECK_HAS(bad("keep-unit foo.socket"), "'foo.socket'");
	CHECK_HAS(bad("keep-unit .service"), "not a service unit name");
	CHECK_HAS(bad("keep-unit foo@.service"), "'foo@.service'");
	CHECK_HAS(bad("keep-unit @x.service"), "not a service");
	CHECK_HAS(bad("keep-unit a@b@c.service"), "not a service");
	CHECK_HAS(bad("keep-unit a/b.service"), "not a service");
	CHECK_HAS(bad("keep-unit caf\xc3\xa9.service"), "caf\\xc3\\xa9.service");
	CHECK_HAS(bad("keep-pid 1"), "1 is init");
	CHECK_HAS(bad("keep-pid 0"), "not a process ID");
	CHECK_HAS(bad("keep-pid 012"), "'012'");
	CHECK_HAS(bad("keep-pid -5"), "not a process ID");
	CHECK_HAS(bad("keep-pid +5"), "not a process ID");
	CHECK_HAS(bad("keep-pid 4194305"), "not a process ID");
	CHECK_HAS(bad("keep-pid 99999999999999999999999"), "not a process ID");
	CHECK_HAS(bad("keep-pid 12x"), "not a process ID");
	CHECK_HAS(bad("keep-pid 5\nkeep-pid 5"), "line 2: keep-pid 5 is already listed on line 1");
	CHECK_HAS(bad("keep-unit a.service\n\nkeep-unit a.service"),
		  "line 3: keep-unit a.service is already listed on line 1");
	CHECK_HAS(bad("keep-pid 5\x1b[2J"), "control character");
	CHECK_HAS(bad_n("keep-pid 5\nkeep-pid 6\0evil", sizeof("keep-pid 5\nkeep-pid 6\0evil") - 1),
		  "line 2: NUL byte");
}

TEST(conf_limits)
{
	char name[QR_UNIT_NAME_MAX + 2];
	static char big[QR_CONF_LINE_MAX + 16];
	struct qr_conf c;

	memset(name, 'a', sizeof(name));
	strcpy(name + QR_UNIT_NAME_MAX - 8, ".service");
	CHECK(qr_unit_name_valid(name));
	name[QR_UNIT_NAME_MAX - 8] = 'b';
	strcpy(name + QR_UNIT_NAME_MAX - 7, ".service");
	CHECK(!qr_unit_name_valid(name));
	CHECK(qr_unit_name_valid("getty@tty1.service"));
	CHECK(qr_unit_name_valid("x.service"));

	memset(big, ' ', sizeof(big) - 1);
	CHECK_HAS(bad(big), "line 1: line too long");
	c = ok("keep-pid 4194304\nkeep-pid 2");
	CHECK_U64(c.n, 2);
	CHECK_U64(c.entry[0].pid, 4194304);
	qr_conf_free(&c);
}

TEST(conf_many_entries)
{
	size_t n = QR_CONF_MAX_ENTRIES + 1, len = 0;
	char *text = malloc(n * 20);
	struct qr_conf c;
	struct qr_err e;

	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "keep-pid %zu\n", i + 2);
	CHECK(qr_conf_parse(text, len, &c, &e) == -1);
	CHECK_HAS(e.msg, "too many entries");
	len = 0;
	for (size_t i = 0; i < QR_CONF_MAX_ENTRIES; i++)
		len += (size_t)sprintf(text + len, "keep-pid %zu\n", i + 2);
	CHECK(qr_conf_parse(text, len, &c, &e) == 0);
	CHECK_U64(c.n, QR_CONF_MAX_ENTRIES);
	qr_conf_free(&c);
	free(text);
}
