/* Kernel command line tokenizer. */
#include "boot/cmdline_tok.h"
#include "test.h"

static struct qr_cmdline parse_ok(const char *s)
{
	struct qr_cmdline cl = { 0 };
	struct qr_err e = { "" };

	if (qr_cmdline_parse(s, &cl, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_cmdline_parse", e.msg, s);
	return cl;
}

static const char *parse_bad(const char *s)
{
	static struct qr_err e;
	struct qr_cmdline cl;

	if (!qr_cmdline_parse(s, &cl, &e)) {
		qr_cmdline_free(&cl);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(tok_simple)
{
	struct qr_cmdline cl = parse_ok("root=/dev/vda ro console=ttyS0,115200");

	CHECK_U64(cl.n, 3);
	CHECK_STR(cl.param[0].name, "root");
	CHECK_STR(cl.param[0].value, "/dev/vda");
	CHECK_STR(cl.param[1].name, "ro");
	CHECK(cl.param[1].value == NULL);
	CHECK_STR(cl.param[2].raw, "console=ttyS0,115200");
	CHECK(!cl.param[2].init_arg);
	qr_cmdline_free(&cl);
}

TEST(tok_empty_and_blank)
{
	struct qr_cmdline cl = parse_ok("");

	CHECK_U64(cl.n, 0);
	qr_cmdline_free(&cl);
	cl = parse_ok(" \t\n ");
	CHECK_U64(cl.n, 0);
	qr_cmdline_free(&cl);
}

TEST(tok_whitespace_kinds_and_trailing_newline)
{
	struct qr_cmdline cl = parse_ok("  a=1\tb\n\vc=3\r\fd \n");

	CHECK_U64(cl.n, 4);
	CHECK_STR(cl.param[0].raw, "a=1");
	CHECK_STR(cl.param[1].raw, "b");
	CHECK_STR(cl.param[2].value, "3");
	CHECK_STR(cl.param[3].raw, "d");
	qr_cmdline_free(&cl);
}

TEST(tok_quoted_value)
{
	struct qr_cmdline cl = parse_ok("dyndbg=\"file foo.c +p\" x");

	CHECK_U64(cl.n, 2);
	CHECK_STR(cl.param[0].name, "dyndbg");
	CHECK_STR(cl.param[0].value, "file foo.c +p");
	CHECK_STR(cl.param[0].raw, "dyndbg=\"file foo.c +p\"");
	CHECK_STR(cl.param[1].name, "x");
	qr_cmdline_free(&cl);
}

TEST(tok_quoted_whole_param)
{
	struct qr_cmdline cl = parse_ok("\"a b=c d\" e");

	CHECK_U64(cl.n, 2);
	CHECK_STR(cl.param[0].name, "a b");
	CHECK_STR(cl.param[0].value, "c d");
	CHECK_STR(cl.param[0].raw, "\"a b=c d\"");
	qr_cmdline_free(&cl);
}

TEST(tok_quote_inside_token_kept_like_kernel)
{
	/* next_arg() only strips a quote that opens the token or the value. */
	struct qr_cmdline cl = parse_ok("a=b\"c d\"e f");

	CHECK_U64(cl.n, 2);
	CHECK_STR(cl.param[0].value, "b\"c d\"e");
	CHECK_STR(cl.param[1].raw, "f");
	qr_cmdline_free(&cl);
}

TEST(tok_empty_quotes)
{
	struct qr_cmdline cl = parse_ok("\"\" a=\"\"");

	CHECK_U64(cl.n, 2);
	CHECK_STR(cl.param[0].name, "");
	CHECK_STR(cl.param[1].name, "a");
	CHECK_STR(cl.param[1].value, "");
	qr_cmdline_free(&cl);
}

TEST(tok_equals_first_is_no_value)
{
	/* The kernel treats '=' at offset 0 as no '=' at all. */
	struct qr_cmdline cl = parse_ok("=x a==b");

	CHECK_STR(cl.param[0].name, "=x");
	CHECK(cl.param[0].value == NULL);
	CHECK_STR(cl.param[1].name, "a");
	CHECK_STR(cl.param[1].value, "=b");
	qr_cmdline_free(&cl);
}

TEST(tok_init_args_after_dashdash)
{
	struct qr_cmdline cl = parse_ok("root=x -- single -- y=1");

	CHECK_U64(cl.n, 4);
	CHECK(!cl.param[0].init_arg);
	CHECK_STR(cl.param[1].raw, "single");
	CHECK(cl.param[1].init_arg);
	CHECK_STR(cl.param[2].raw, "--");
	CHECK(cl.param[2].init_arg);
	CHECK(cl.param[3].init_arg);
	CHECK(qr_cmdline_find_last(&cl, "y") == NULL);
	qr_cmdline_free(&cl);
}

TEST(tok_dashdash_with_value_is_a_param)
{
	struct qr_cmdline cl = parse_ok("--=1 a");

	CHECK_U64(cl.n, 2);
	CHECK(!cl.param[1].init_arg);
	qr_cmdline_free(&cl);
}

TEST(tok_unterminated_quote_refused)
{
	CHECK_HAS(parse_bad("a=\"b c"), "unterminated quote in 'a=\"b c'");
	CHECK_HAS(parse_bad("x \"abc"), "'\"abc'");
	CHECK_HAS(parse_bad("\""), "unterminated");
	CHECK_HAS(parse_bad("a=b\"c"), "'a=b\"c'");
}

TEST(tok_find_last_and_dash_underscore)
{
	struct qr_cmdline cl = parse_ok("foo_bar=1 x foo-bar=2");

	CHECK_STR(qr_cmdline_find_last(&cl, "foo_bar")->value, "2");
	CHECK_STR(qr_cmdline_find_last(&cl, "foo-bar")->value, "2");
	CHECK(qr_cmdline_find_last(&cl, "foo") == NULL);
	CHECK(qr_cmdline_find_last(&cl, "foo_bar_") == NULL);
	qr_cmdline_free(&cl);
}

TEST(tok_param_name_eq)
{
	CHECK(qr_param_name_eq("a-b_c", "a_b-c"));
	CHECK(!qr_param_name_eq("ab", "a"));
	CHECK(!qr_param_name_eq("", "a"));
	CHECK(qr_param_name_eq("", ""));
}

TEST(tok_many_single_char_tokens)
{
	char s[2001];
	struct qr_cmdline cl;

	for (int i = 0; i < 2000; i++)
		s[i] = i % 2 ? ' ' : 'a';
	s[2000] = '\0';
	cl = parse_ok(s);
	CHECK_U64(cl.n, 1000);
	qr_cmdline_free(&cl);
	s[1999] = 'a';
	cl = parse_ok(s);
	CHECK_U64(cl.n, 1000);
	CHECK_STR(cl.param[999].raw, "aa");
	qr_cmdline_free(&cl);
}
