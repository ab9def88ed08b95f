/* Fuzzes the command line tokenizer: no crash, and the raw tokens joined
 * with single spaces tokenize to the same parameters. */
#include "boot/cmdline_tok.h"
#include "fuzz_input.h"

static void rejoin(const struct qr_cmdline *cl, char *out)
{
	bool init = false;

	*out = '\0';
	for (size_t i = 0; i < cl->n; i++) {
		if (cl->param[i].init_arg && !init) {
			strcat(out, *out ? " --" : "--");
			init = true;
		}
		if (*out)
			strcat(out, " ");
		strcat(out, cl->param[i].raw);
	}
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *joined;
	struct qr_cmdline cl, again;
	struct qr_err e;

	if (qr_cmdline_parse(s, &cl, &e)) {
		free(s);
		return 0;
	}
	joined = malloc(2 * size + 8);
	if (!joined)
		abort();
	rejoin(&cl, joined);
	if (qr_cmdline_parse(joined, &again, &e) || again.n != cl.n)
		abort();
	for (size_t i = 0; i < cl.n; i++)
		if (!same_str(cl.param[i].name, again.param[i].name) ||
		    !same_str(cl.param[i].value, again.param[i].value) ||
		    cl.param[i].init_arg != again.param[i].init_arg)
			abort();
	qr_cmdline_free(&again);
	qr_cmdline_free(&cl);
	free(joined);
	free(s);
	return 0;
}
