/* JSON writer: escaping and structure. */
#include "lib/json.h"
#include "test.h"

static const char *quoted(struct qr_strbuf *b, const char *s, size_t len)
{
	qr_strbuf_free(b);
	qr_json_quote(b, s, len);
	return qr_strbuf_str(b);
}

TEST(json_quote_specials)
{
	struct qr_strbuf b = { 0 };

	CHECK_STR(quoted(&b, "", 0), "\"\"");
	CHECK_STR(quoted(&b, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(quoted(&b, "\n\t\r\b\f", 5), "\"\\n\\t\\r\\b\\f\"");
	CHECK_STR(quoted(&b, "\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	CHECK_STR(quoted(&b, "a\0b", 3), "\"a\\u0000b\"");
	/* '/' needs no escape; '$' and '\'' are plain. */
	CHECK_STR(quoted(&b, "/$'", 3), "\"/$'\"");
	qr_strbuf_free(&b);
}

TEST(json_quote_utf8)
{
	struct qr_strbuf b = { 0 };

	/* Valid: 2, 3 and 4 byte sequences are kept. */
	CHECK_STR(quoted(&b, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9),
		  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* Lone continuation, truncated sequence, overlong '/', surrogate,
	 * above U+10FFFF, 0xff: one U+FFFD per bad byte. */
	CHECK_STR(quoted(&b, "\x80", 1), "\"\\ufffd\"");
	CHECK_STR(quoted(&b, "\xe2\x82", 2), "\"\\ufffd\\ufffd\"");
	CHECK_STR(quoted(&b, "\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	CHECK_STR(quoted(&b, "\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(quoted(&b, "\xf4\x90\x80\x80", 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(quoted(&b, "\xffok", 3), "\"\\ufffdok\"");
	qr_strbuf_free(&b);
}

TEST(json_document_layout)
{
	struct qr_strbuf b = { 0 };
	struct qr_json j;

	qr_json_init(&j, &b);
	qr_json_begin_object(&j);
	qr_json_key(&j, "a");
	qr_json_u64(&j, 18446744073709551615ull);
	qr_json_key(&j, "b\"");
	qr_json_begin_array(&j);
	qr_json_bool(&j, true);
	qr_json_null(&j);
	qr_json_string(&j, NULL);
	qr_json_string(&j, "x");
	qr_json_end_array(&j);
	qr_json_key(&j, "empty");
	qr_json_begin_array(&j);
	qr_json_end_array(&j);
	qr_json_key(&j, "o");
	qr_json_begin_object(&j);
	qr_json_end_object(&j);
	qr_json_end_object(&j);
	CHECK(qr_json_finish(&j));
	CHECK_STR(qr_strbuf_str(&b),
		  "{\n"
		  "  \"a\": 18446744073709551615,\n"
		  "  \"b\\\"\": [\n"
		  "    true,\n"
		  "    null,\n"
		  "    null,\n"
		  "    \"x\"\n"
		  "  ],\n"
		  "  \"empty\": [],\n"
		  "  \"o\": {}\n"
		  "}\n");
	qr_strbuf_free(&b);
}

TEST(json_misuse_detected)
{
	struct qr_strbuf b = { 0 };
	struct qr_json j;

	qr_json_init(&j, &b);
	qr_json_begin_object(&j);
	CHECK(!qr_json_finish(&j));	/* unclosed */
	qr_strbuf_free(&b);

	qr_json_init(&j, &b);
	qr_json_begin_object(&j);
	qr_json_key(&j, "k");
	qr_json_end_object(&j);		/* key without value */
	CHECK(!qr_json_finish(&j));
	qr_strbuf_free(&b);

	qr_json_init(&j, &b);
	for (int i = 0; i < QR_JSON_MAX_DEPTH + 2; i++)
		qr_json_begin_array(&j);
	CHECK(!qr_json_finish(&j));	/* too deep */
	qr_strbuf_free(&b);

	qr_json_init(&j, &b);
	qr_json_u64(&j, 1);
	qr_json_u64(&j, 2);		/* two top-level values */
	CHECK(!qr_json_finish(&j));
	qr_strbuf_free(&b);
}

TEST(strbuf_grows_and_formats)
{
	struct qr_strbuf b = { 0 };

	CHECK_STR(qr_strbuf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		qr_strbuf_printf(&b, "%d,", i % 10);
	CHECK_U64(b.len, 2000);
	CHECK(!qr_strbuf_failed(&b));
	CHECK(!strncmp(qr_strbuf_str(&b), "0,1,2,", 6));
	qr_strbuf_free(&b);
}
