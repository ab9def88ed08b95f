/* JSON writer. */
#include "lib/json.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0:
 * overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp, min;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void qr_json_quote(struct qr_strbuf *out, const char *str, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	qr_strbuf_add(out, "\"", 1);
	while (i < len) {
		unsigned char c = s[i];
		char esc[7] = "\\u00";

		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			qr_strbuf_add(out, esc, 2);
		} else if (c == '\n') {
			qr_strbuf_add(out, "\\n", 2);
		} else if (c == '\t') {
			qr_strbuf_add(out, "\\t", 2);
		} else if (c == '\r') {
			qr_strbuf_add(out, "\\r", 2);
		} else if (c == '\b') {
			qr_strbuf_add(out, "\\b", 2);
		} else if (c == '\f') {
			qr_strbuf_add(out, "\\f", 2);
		} else if (c < 0x20 || c == 0x7f) {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			qr_strbuf_add(out, esc, 6);
		} else if (c < 0x80) {
			qr_strbuf_add(out, (const char *)&s[i], 1);
		} else if ((n = utf8_valid(s + i, len - i))) {
			qr_strbuf_add(out, (const char *)&s[i], n);
			i += n;
			continue;
		} else {
			qr_strbuf_add(out, "\\ufffd", 6);
		}
		i++;
	}
	qr_strbuf_add(out, "\"", 1);
}

void qr_json_init(struct qr_json *j, struct qr_strbuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void indent(struct qr_json *j)
{
	qr_strbuf_add(j->out, "\n", 1);
	for (unsigned i = 0; i < j->depth; i++)
		qr_strbuf_add(j->out, "  ", 2);
}

/* Before any value: the comma and indentation it needs in its container. */
static void before_value(struct qr_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0) {
		if (j->has_items[0])
			j->misuse = true;	/* a second top-level value */
		j->has_items[0] = true;
		return;
	}
	if (j->has_items[j->depth])
		qr_strbuf_add(j->out, ",", 1);
	j->has_items[j->depth] = true;
	indent(j);
}

static void begin(struct qr_json *j, const char *open)
{
	before_value(j);
	qr_strbuf_puts(j->out, open);
	if (j->depth + 1 >= QR_JSON_MAX_DEPTH) {
		j->misuse = true;
		return;
	}
	j->depth++;
	j->has_items[j->depth] = false;
}

static void end(struct qr_json *j, const char *close)
{
	bool had = j->has_items[j->depth];

	if (j->depth == 0 || j->after_key) {
		j->misuse = true;
		return;
	}
	j->depth--;
	if (had)
		indent(j);
	qr_strbuf_puts(j->out, close);
}

void qr_json_begin_object(struct qr_json *j) { begin(j, "{"); }
void qr_json_end_object(struct qr_json *j) { end(j, "}"); }
void qr_json_begin_array(struct qr_json *j) { begin(j, "["); }
void qr_json_end_array(struct qr_json *j) { end(j, "]"); }

void qr_json_key(struct qr_json *j, const char *key)
{
	if (j->after_key || j->depth == 0)
		j->misuse = true;
	before_value(j);
	qr_json_quote(j->out, key, strlen(key));
	qr_strbuf_add(j->out, ": ", 2);
	j->after_key = true;
}

void qr_json_string(struct qr_json *j, const char *s)
{
	if (!s) {
		qr_json_null(j);
		return;
	}
	before_value(j);
	qr_json_quote(j->out, s, strlen(s));
}

void qr_json_u64(struct qr_json *j, uint64_t v)
{
	before_value(j);
	qr_strbuf_printf(j->out, "%" PRIu64, v);
}

void qr_json_bool(struct qr_json *j, bool v)
{
	before_value(j);
	qr_strbuf_puts(j->out, v ? "true" : "false");
}

void qr_json_null(struct qr_json *j)
{
	before_value(j);
	qr_strbuf_puts(j->out, "null");
}

bool qr_json_finish(struct qr_json *j)
{
	if (j->depth || j->after_key)
		j->misuse = true;
	qr_strbuf_add(j->out, "\n", 1);
	return !j->misuse && !qr_strbuf_failed(j->out);
}
