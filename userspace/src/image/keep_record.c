/* The keep record's parser and writer (keep_record.h). */
#include "image/keep_record.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"

#define HEADER "quickreboot-keep 1"

int qr_keep_token_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == QR_KEEP_TOKEN_LEN;
}

static size_t total_pids(const struct qr_keep *k)
{
	size_t n = 0;

	for (size_t i = 0; i < k->nunits; i++)
		n += k->unit[i].npids;
	return n;
}

static bool pid_listed(const struct qr_keep *k, pid_t pid)
{
	for (size_t i = 0; i < k->nunits; i++)
		for (size_t j = 0; j < k->unit[i].npids; j++)
			if (k->unit[i].pid[j] == pid)
				return true;
	return false;
}

int qr_keep_add_unit(struct qr_keep *k, const char *name, const pid_t *pid,
		     size_t npids, struct qr_err *e)
{
	struct qr_keep_unit *u, *grown;
	char shown[QR_TOKEN_BUF];

	if (!qr_unit_name_valid(name))
		return qr_err_set(e, "not a service unit name: '%s'",
				  qr_err_token(shown, name, strlen(name)));
	for (size_t i = 0; i < k->nunits; i++)
		if (!strcmp(k->unit[i].name, name))
			return qr_err_set(e, "unit %s is listed twice", name);
	if (!npids)
		return qr_err_set(e, "unit %s has no process", name);
	if (k->nunits == QR_KEEP_MAX_UNITS ||
	    total_pids(k) + npids > QR_KEEP_MAX_PIDS)
		return qr_err_set(e, "more than %d units or %d processes",
				  QR_KEEP_MAX_UNITS, QR_KEEP_MAX_PIDS);
	for (size_t i = 0; i < npids; i++) {
		if (pid[i] < 2 || pid[i] > QR_PID_MAX)
			return qr_err_set(e, "unit %s: %d is not a PID that can be kept",
					  name, (int)pid[i]);
		if (pid_listed(k, pid[i]))
			return qr_err_set(e, "unit %s: PID %d is listed twice", name,
					  (int)pid[i]);
		for (size_t j = 0; j < i; j++)
			if (pid[j] == pid[i])
				return qr_err_set(e, "unit %s: PID %d is listed twice",
						  name, (int)pid[i]);
	}
	grown = realloc(k->unit, (k->nunits + 1) * sizeof(*k->unit));
	if (!grown)
		return qr_err_set(e, "out of memory");
	k->unit = grown;
	u = &k->unit[k->nunits];
	u->name = strdup(name);
	u->pid = malloc(npids * sizeof(*u->pid));
	if (!u->name || !u->pid) {
		free(u->name);
		free(u->pid);
		return qr_err_set(e, "out of memory");
	}
	memcpy(u->pid, pid, npids * sizeof(*pid));
	u->npids = npids;
	k->nunits++;
	return 0;
}

/* "unit NAME PID..." with words separated by one space. */
static int parse_unit(struct qr_keep *k, char *line, unsigned lineno,
		      struct qr_err *e)
{
	pid_t pid[QR_KEEP_MAX_PIDS];
	char *name = line, *p = strchr(line, ' ');
	size_t n = 0;
	struct qr_err sub;

	if (!p)
		return qr_err_set(e, "line %u: unit without process", lineno);
	*p++ = '\0';
	while (p) {
		char *next = strchr(p, ' ');
		long v;

		if (next)
			*next++ = '\0';
		v = qr_pid_parse(p);
		if (v < 0 || n == QR_KEEP_MAX_PIDS) {
			char shown[QR_TOKEN_BUF];

			return qr_err_set(e, "line %u: not a PID: '%s'", lineno,
					  qr_err_token(shown, p, strlen(p)));
		}
		pid[n++] = v;
		p = next;
	}
	if (qr_keep_add_unit(k, name, pid, n, &sub))
		return qr_err_set(e, "line %u: %s", lineno, sub.msg);
	return 0;
}

static int parse_line(struct qr_keep *k, char *line, unsigned lineno,
		      struct qr_err *e)
{
	char shown[QR_TOKEN_BUF];

	if (lineno == 1)
		return strcmp(line, HEADER) ?
			qr_err_set(e, "line 1: not a keep record (expected \"" HEADER "\")") : 0;
	if (lineno == 2) {
		if (strncmp(line, "token ", 6) || !qr_keep_token_valid(line + 6))
			return qr_err_set(e, "line %u: expected \"token\" and %d hex digits, not '%s'",
					  lineno, QR_KEEP_TOKEN_LEN,
					  qr_err_token(shown, line, strlen(line)));
		memcpy(k->token, line + 6, QR_KEEP_TOKEN_LEN + 1);
		return 0;
	}
	if (!strncmp(line, "unit ", 5))
		return parse_unit(k, line + 5, lineno, e);
	return qr_err_set(e, "line %u: unexpected '%s'", lineno,
			  qr_err_token(shown, line, strlen(line)));
}

int qr_keep_parse(const char *text, size_t len, struct qr_keep *out,
		  struct qr_err *e)
{
	struct qr_keep k = { .nunits = 0 };
	char *buf, *line;
	unsigned lineno = 0;
	int rc = -1;

	if (!len || text[len - 1] != '\n')
		return qr_err_set(e, "the keep record does not end with a newline");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			return qr_err_set(e, "control character at byte %zu", i);
	buf = malloc(len);
	if (!buf)
		return qr_err_set(e, "out of memory");
	memcpy(buf, text, len);
	buf[len - 1] = '\0';
	line = buf;
	for (;;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (parse_line(&k, line, ++lineno, e))
			goto out;
		if (!nl)
			break;
		line = nl + 1;
	}
	if (lineno < 2) {
		qr_err_set(e, "no token");
		goto out;
	}
	*out = k;
	k = (struct qr_keep){ .nunits = 0 };
	rc = 0;
out:
	qr_keep_free(&k);
	free(buf);
	return rc;
}

void qr_keep_format(const struct qr_keep *k, struct qr_strbuf *b)
{
	qr_strbuf_printf(b, HEADER "\ntoken %s\n", k->token);
	for (size_t i = 0; i < k->nunits; i++) {
		qr_strbuf_printf(b, "unit %s", k->unit[i].name);
		for (size_t j = 0; j < k->unit[i].npids; j++)
			qr_strbuf_printf(b, " %d", (int)k->unit[i].pid[j]);
		qr_strbuf_puts(b, "\n");
	}
}

void qr_keep_free(struct qr_keep *k)
{
	for (size_t i = 0; i < k->nunits; i++) {
		free(k->unit[i].name);
		free(k->unit[i].pid);
	}
	free(k->unit);
	*k = (struct qr_keep){ .nunits = 0 };
}
