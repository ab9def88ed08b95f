/* Kernel command line tokenizer, following the kernel's next_arg() and
 * parse_args() (lib/cmdline.c, kernel/params.c). Pure: no I/O. */
#ifndef QR_CMDLINE_TOK_H
#define QR_CMDLINE_TOK_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct qr_param {
	const char *raw;	/* the token as written, quotes included */
	const char *name;	/* quotes removed as the kernel removes them */
	const char *value;	/* after the first '=', or NULL without '=' */
	bool init_arg;		/* after "--": an argument for init, not the kernel */
};

struct qr_cmdline {
	struct qr_param *param;
	size_t n;
	char *raw_buf;
	char *work_buf;
};

/* Splits s into parameters. A quote left open is refused: the kernel would
 * let it swallow everything after it, including parameters we append.
 * Returns 0, or -1 with e set; on success free with qr_cmdline_free(). */
int qr_cmdline_parse(const char *s, struct qr_cmdline *out, struct qr_err *e);
void qr_cmdline_free(struct qr_cmdline *cl);

/* Parameter names compare with '-' and '_' equal, as the kernel's parameq(). */
bool qr_param_name_eq(const char *a, const char *b);

/* The last kernel parameter (not init argument) with this name: for most
 * parameters the last occurrence is the one in force. NULL if absent. */
const struct qr_param *qr_cmdline_find_last(const struct qr_cmdline *cl,
					    const char *name);

#endif
