/* The journal stream (fds/journal_rec.c): journald's state file parser
 * against what journald writes and against bad input, the header sent
 * again, the socket paths taken, the image data's checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fds/journal.h"
#include "test.h"

/* As systemd 252's stdout_stream_save() writes it. */
static const char state252[] =
	"# This is private data. Do not parse\n"
	"PRIORITY=6\n"
	"LEVEL_PREFIX=1\n"
	"FORWARD_TO_SYSLOG=0\n"
	"FORWARD_TO_KMSG=0\n"
	"FORWARD_TO_CONSOLE=1\n"
	"STREAM_ID=7f3c0a9d6f2e4b1c8a5d3e2f1a0b9c8d\n"
	"IDENTIFIER=cr-counter\n"
	"UNIT=qr-counter.service\n";

static int parse(const char *text, struct qr_journal_state *s, struct qr_err *e)
{
	return qr_journal_state_parse(text, strlen(text), s, e);
}

TEST(journal_state_as_journald_writes_it)
{
	struct qr_journal_state s;
	struct qr_err e;
	char h[QR_JOURNAL_HEADER_MAX];
	size_t n;

	CHECK(parse(state252, &s, &e) == 0);
	CHECK_U64(s.priority, 6);
	CHECK(s.level_prefix && !s.forward_to_syslog && !s.forward_to_kmsg &&
	      s.forward_to_console);
	CHECK_STR(s.identifier, "cr-counter");
	CHECK_STR(s.unit, "qr-counter.service");
	n = qr_journal_header(&s, h);
	CHECK_U64(n, strlen(h));
	CHECK_STR(h, "cr-counter\nqr-counter.service\n6\n1\n0\n0\n1\n");
}

TEST(journal_state_escapes_and_optional_lines)
{
	struct qr_journal_state s;
	struct qr_err e;
	char h[QR_JOURNAL_HEADER_MAX];

	CHECK(parse("PRIORITY=191\nLEVEL_PREFIX=0\nFORWARD_TO_SYSLOG=1\n"
		    "FORWARD_TO_KMSG=1\nFORWARD_TO_CONSOLE=0\n"
		    "IDENTIFIER=a\\tb\\\\c\\\"d\\001e\\303\\251\n"
		    "LATER_KEY=anything at all\n", &s, &e) == 0);
	CHECK_U64(s.priority, 191);
	CHECK_STR(s.identifier, "a\tb\\c\"d\001e\303\251");
	CHECK_U64(s.identifier_len, 11);
	CHECK_U64(s.unit_len, 0);
	qr_journal_header(&s, h);
	CHECK_STR(h, "a\tb\\c\"d\001e\303\251\n\n191\n0\n1\n1\n0\n");
	/* No identifier, no unit: two empty header lines. */
	CHECK(parse("PRIORITY=0\nLEVEL_PREFIX=0\nFORWARD_TO_SYSLOG=0\n"
		    "FORWARD_TO_KMSG=0\nFORWARD_TO_CONSOLE=0\n", &s, &e) == 0);
	qr_journal_header(&s, h);
	CHECK_STR(h, "\n\n0\n0\n0\n0\n0\n");
}

static void refused(const char *text, const char *needle)
{
	struct qr_journal_state s;
	struct qr_err e;

	if (parse(text, &s, &e)) {
		CHECK_HAS(e.msg, needle);
		return;
	}
	qr_test_fail_str(__FILE__, __LINE__, "accepted", text, needle);
}

#define BOOLS "LEVEL_PREFIX=0\nFORWARD_TO_SYSLOG=0\nFORWARD_TO_KMSG=0\nFORWARD_TO_CONSOLE=0\n"

TEST(journal_state_refused)
{
	char big[600];
	size_t n;

	refused("PRIORITY=6\n" BOOLS "UNIT=x.service", "not ended by a newline");
	refused(BOOLS, "no PRIORITY line");
	refused("PRIORITY=6\nLEVEL_PREFIX=0\nFORWARD_TO_SYSLOG=0\nFORWARD_TO_KMSG=0\n",
		"no FORWARD_TO_CONSOLE");
	refused("PRIORITY=6\nPRIORITY=6\n" BOOLS, "given twice");
	refused("PRIORITY=1000\n" BOOLS, "bad value");
	refused("PRIORITY=-1\n" BOOLS, "bad value");
	refused("PRIORITY=06\n" BOOLS, "bad value");
	refused("PRIORITY=\n" BOOLS, "bad value");
	refused("PRIORITY=6\nLEVEL_PREFIX=2\nFORWARD_TO_SYSLOG=0\n"
		"FORWARD_TO_KMSG=0\nFORWARD_TO_CONSOLE=0\n", "bad value");
	refused("PRIORITY=6\nLEVEL_PREFIX=yes\nFORWARD_TO_SYSLOG=0\n"
		"FORWARD_TO_KMSG=0\nFORWARD_TO_CONSOLE=0\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=a\\nb\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=a\\000b\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=a\\q\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=a\\\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=a\\40\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "IDENTIFIER=\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "UNIT=no-dot\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "UNIT=a/b.service\n", "bad value");
	refused("PRIORITY=6\n" BOOLS "UNIT=x.service\nUNIT=y.service\n", "given twice");
	refused("PRIORITY=6\n" BOOLS "lower=1\n", "not KEY=VALUE");
	refused("PRIORITY=6\n" BOOLS "NOEQUALS\n", "not KEY=VALUE");
	refused("PRIORITY=6\n" BOOLS "\n", "not KEY=VALUE");
	refused("PRIORITY=6 \n" BOOLS, "bad value");
	/* An identifier longer than journald reads in a header line. */
	strcpy(big, "PRIORITY=6\n" BOOLS "IDENTIFIER=");
	n = strlen(big);
	memset(big + n, 'x', 256);
	strcpy(big + n + 256, "\n");
	refused(big, "bad value");
	{
		struct qr_journal_state s;
		struct qr_err e;
		static const char nul[] = "PRIORITY=6\0\n" BOOLS;

		CHECK(qr_journal_state_parse(nul, sizeof(nul) - 1, &s, &e) == -1);
		CHECK_HAS(e.msg, "a 0 byte");
	}
}

TEST(journal_socket_paths)
{
#define P(s) qr_journal_socket_path(s, strlen(s))
	CHECK(P("/run/systemd/journal/stdout"));
	CHECK(P("/run/systemd/journal.web/stdout"));
	CHECK(P("/run/systemd/journal.a-b_c.d/stdout"));
	CHECK(!P("/run/systemd/journal./stdout"));
	CHECK(!P("/run/systemd/journal.a..b/stdout"));
	CHECK(!P("/run/systemd/journal.a/b/stdout"));
	CHECK(!P("/run/systemd/journal/socket"));
	CHECK(!P("/run/systemd/journalx/stdout"));
	CHECK(!P("/run/systemd/journal/stdout/"));
	CHECK(!P("/tmp/stdout"));
	CHECK(!P(""));
#undef P
}

/* Image data: the record, the path, the identifier, the unit. */
static size_t img(uint8_t *b, struct qr_journal_rec r, const char *path,
		  const char *id, const char *unit)
{
	r.path_len = (uint16_t)strlen(path);
	r.identifier_len = (uint16_t)strlen(id);
	r.unit_len = (uint16_t)strlen(unit);
	memcpy(b, &r, sizeof(r));
	memcpy(b + sizeof(r), path, r.path_len);
	memcpy(b + sizeof(r) + r.path_len, id, r.identifier_len);
	memcpy(b + sizeof(r) + r.path_len + r.identifier_len, unit, r.unit_len);
	return sizeof(r) + r.path_len + r.identifier_len + r.unit_len;
}

TEST(journal_image_data)
{
	const struct qr_journal_rec good = { .priority = 6, .level_prefix = 1,
					     .owner = 100, .sndbuf = 8388608,
					     .shutdown = 1 };
	struct qr_journal_rec r, bad;
	struct qr_journal_state s;
	char path[QR_JOURNAL_PATH_MAX + 1];
	const char *why;
	uint8_t b[1024];
	size_t n = img(b, good, "/run/systemd/journal/stdout", "cr-counter",
		       "qr-counter.service");

	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == 0);
	CHECK_STR(path, "/run/systemd/journal/stdout");
	CHECK_STR(s.identifier, "cr-counter");
	CHECK_STR(s.unit, "qr-counter.service");
	CHECK_U64(r.owner, 100);
	/* Every cut is refused. */
	for (size_t k = 0; k < n; k++)
		CHECK(qr_journal_img_parse(b, k, &r, path, &s, &why) == -1);
	CHECK(qr_journal_img_parse(NULL, 0, &r, path, &s, &why) == -1);
	n = img(b, good, "/tmp/evil", "x", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	CHECK_STR(why, "not journald's stdout socket");
	n = img(b, good, "/run/systemd/journal/stdout", "a\nb", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	CHECK_STR(why, "bad identifier");
	n = img(b, good, "/run/systemd/journal/stdout", "", "bad unit");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	CHECK_STR(why, "bad unit");
	bad = good;
	bad.priority = 1000;
	n = img(b, bad, "/run/systemd/journal/stdout", "", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	bad = good;
	bad.forward_to_kmsg = 2;
	n = img(b, bad, "/run/systemd/journal/stdout", "", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	bad = good;
	bad.owner = 0;
	n = img(b, bad, "/run/systemd/journal/stdout", "", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	bad = good;
	bad.sndbuf = -1;
	n = img(b, bad, "/run/systemd/journal/stdout", "", "");
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	/* A length that claims more than there is. */
	n = img(b, good, "/run/systemd/journal/stdout", "x", "");
	memcpy(&bad, b, sizeof(bad));
	bad.identifier_len = 2;
	memcpy(b, &bad, sizeof(bad));
	CHECK(qr_journal_img_parse(b, n, &r, path, &s, &why) == -1);
	CHECK_STR(why, "lengths do not add up");
}
