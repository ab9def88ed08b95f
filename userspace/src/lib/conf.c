/* quickreboot.conf parser. */
#include "lib/conf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE_SUFFIX ".service"

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' ||
	       c == '.' || c == '\\';
}

int qr_unit_name_valid(const char *name)
{
	size_t len = strlen(name), slen = strlen(SERVICE_SUFFIX), at = 0;
	bool seen_at = false;

	if (len <= slen || len > QR_UNIT_NAME_MAX ||
	    strcmp(name + len - slen, SERVICE_SUFFIX))
		return 0;
	for (size_t i = 0; i < len - slen; i++) {
		if (name[i] == '@') {
			if (seen_at)
				return 0;
			seen_at = true;
			at = i;
		} else if (!unit_char(name[i])) {
			return 0;
		}
	}
	if (seen_at && (at == 0 || at == len - slen - 1))
		return 0;	/* "@x.service" or the template "x@.service" */
	return 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line into at most 3 words (the third only to detect extras);
 * a word starting with '#' ends the line. Returns the word count. */
static int split(char *line, char *word[3])
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == 3)
			return n;
		word[n++] = p;
		while (*p && !is_blank(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int line_err(struct qr_err *e, unsigned lineno, const char *what,
		    const char *token)
{
	char shown[QR_TOKEN_BUF];

	if (!token)
		return qr_err_set(e, "line %u: %s", lineno, what);
	return qr_err_set(e, "line %u: %s '%s'", lineno, what,
			  qr_err_token(shown, token, strlen(token)));
}

static int check_duplicate(const struct qr_conf *c, const struct qr_conf_entry *en,
			   struct qr_err *e)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct qr_conf_entry *o = &c->entry[i];

		if (o->kind != en->kind)
			continue;
		if (en->kind == QR_KEEP_UNIT ? strcmp(o->unit, en->unit) : o->pid != en->pid)
			continue;
		if (en->kind == QR_KEEP_UNIT)
			return qr_err_set(e, "line %u: keep-unit %s is already listed on line %u",
					  en->line, en->unit, o->line);
		return qr_err_set(e, "line %u: keep-pid %d is already listed on line %u",
				  en->line, en->pid, o->line);
	}
	return 0;
}

static int parse_line(char *line, unsigned lineno, struct qr_conf *c,
		      struct qr_err *e)
{
	struct qr_conf_entry *en = &c->entry[c->n];
	char *word[3];
	int n = split(line, word);

	if (n == 0)
		return 0;
	if (strcmp(word[0], "keep-unit") && strcmp(word[0], "keep-pid"))
		return line_err(e, lineno, "unknown directive (expected keep-unit or keep-pid):", word[0]);
	if (n == 1)
		return line_err(e, lineno, "missing value after", word[0]);
	if (n == 3)
		return line_err(e, lineno, "unexpected word after the value:", word[2]);
	if (c->n == QR_CONF_MAX_ENTRIES)
		return line_err(e, lineno, "too many entries", NULL);
	en->line = lineno;
	if (!strcmp(word[0], "keep-unit")) {
		if (!qr_unit_name_valid(word[1]))
			return line_err(e, lineno, "not a service unit name (NAME.service or NAME@INSTANCE.service):", word[1]);
		en->kind = QR_KEEP_UNIT;
		en->unit = word[1];
	} else {
		en->kind = QR_KEEP_PID;
		en->pid = qr_pid_parse(word[1]);
		if (en->pid < 2)
			return line_err(e, lineno, "not a process ID (decimal, 2 to 4194304; 1 is init):", word[1]);
	}
	if (check_duplicate(c, en, e))
		return -1;
	c->n++;
	return 0;
}

int qr_conf_parse(const char *text, size_t len, struct qr_conf *out,
		  struct qr_err *e)
{
	struct qr_conf c = { 0 };
	size_t lines = 1, start = 0;
	unsigned lineno = 0;

	if (memchr(text, '\0', len)) {
		for (size_t i = 0; text[i]; i++)
			lineno += text[i] == '\n';
		return qr_err_set(e, "line %u: NUL byte", lineno + 1);
	}
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > QR_CONF_MAX_ENTRIES)
		lines = QR_CONF_MAX_ENTRIES;
	c.buf = malloc(len + 1);
	c.entry = calloc(lines, sizeof(*c.entry));
	if (!c.buf || !c.entry) {
		qr_conf_free(&c);
		return qr_err_set(e, "out of memory");
	}
	memcpy(c.buf, text, len);
	c.buf[len] = '\0';
	while (start < len) {
		char *line = c.buf + start, *nl = memchr(line, '\n', len - start);
		size_t l = nl ? (size_t)(nl - line) : len - start;

		lineno++;
		start += l + 1;
		if (l > QR_CONF_LINE_MAX) {
			line_err(e, lineno, "line too long", NULL);
			goto fail;
		}
		line[l] = '\0';
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		for (char *p = line; *p; p++) {
			if ((unsigned char)*p < 0x20 && *p != '\t') {
				line_err(e, lineno, "control character in line", NULL);
				goto fail;
			}
		}
		if (parse_line(line, lineno, &c, e))
			goto fail;
	}
	*out = c;
	return 0;
fail:
	qr_conf_free(&c);
	return -1;
}

void qr_conf_free(struct qr_conf *c)
{
	free(c->entry);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
