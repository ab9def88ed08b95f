/* Kernel command line tokenizer. */
#include "boot/cmdline_tok.h"

#include <stdlib.h>
#include <string.h>

/* The kernel's isspace() (ASCII whitespace). */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *skip_spaces(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* One step of next_arg() on the writable copy w; the same offsets in the
 * untouched copy r give the raw token. Returns the offset of the next token
 * or -1 for an unterminated quote. */
static long next_arg(char *w, char *r, size_t off, struct qr_param *p,
		     struct qr_err *e)
{
	char *args = w + off;
	size_t raw_start = off, i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (is_space(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	if (in_quote) {
		char shown[QR_TOKEN_BUF];

		return qr_err_set(e, "unterminated quote in '%s'",
				  qr_err_token(shown, r + raw_start, strlen(r + raw_start)));
	}
	p->name = args;
	p->value = NULL;
	if (equals) {
		char *val = args + equals + 1;

		args[equals] = '\0';
		if (*val == '"') {
			val++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
		p->value = val;
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';

	off = (size_t)(args - w) + i;
	p->raw = r + raw_start;
	if (w[off]) {
		w[off] = '\0';
		r[off] = '\0';
		off++;
	}
	return (long)(skip_spaces(w + off) - w);
}

int qr_cmdline_parse(const char *s, struct qr_cmdline *out, struct qr_err *e)
{
	size_t len = strlen(s), off;
	bool init_args = false;
	struct qr_cmdline cl = { 0 };

	/* Every token takes at least one byte and one separator. */
	cl.param = calloc(len / 2 + 1, sizeof(*cl.param));
	cl.raw_buf = strdup(s);
	cl.work_buf = strdup(s);
	if (!cl.param || !cl.raw_buf || !cl.work_buf) {
		qr_cmdline_free(&cl);
		return qr_err_set(e, "out of memory");
	}
	off = (size_t)(skip_spaces(cl.work_buf) - cl.work_buf);
	while (cl.work_buf[off]) {
		struct qr_param *p = &cl.param[cl.n];
		long next = next_arg(cl.work_buf, cl.raw_buf, off, p, e);

		if (next < 0) {
			qr_cmdline_free(&cl);
			return -1;
		}
		off = (size_t)next;
		/* parse_args() stops at "--": what follows goes to init. */
		if (!init_args && !p->value && !strcmp(p->name, "--")) {
			init_args = true;
			continue;
		}
		p->init_arg = init_args;
		cl.n++;
	}
	*out = cl;
	return 0;
}

void qr_cmdline_free(struct qr_cmdline *cl)
{
	free(cl->param);
	free(cl->raw_buf);
	free(cl->work_buf);
	memset(cl, 0, sizeof(*cl));
}

bool qr_param_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == '-' ? '_' : *a;
		char cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

const struct qr_param *qr_cmdline_find_last(const struct qr_cmdline *cl,
					    const char *name)
{
	for (size_t i = cl->n; i-- > 0;)
		if (!cl->param[i].init_arg && qr_param_name_eq(cl->param[i].name, name))
			return &cl->param[i];
	return NULL;
}
