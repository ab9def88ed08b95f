/* See unit_run.h. */
#define _GNU_SOURCE	/* strchrnul() */
#include "service/unit_run.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/exit.h"
#include "lib/run.h"

/* A RuntimeDirectory= name: relative, its parts neither empty, "." nor
 * "..". */
static bool clean_name(const char *p, size_t len)
{
	size_t i = 0;

	if (!len || p[0] == '/')
		return false;
	while (i <= len) {
		size_t n = 0;

		while (i + n < len && p[i + n] != '/')
			n++;
		if (!n || (n == 1 && p[i] == '.') || (n == 2 && !strncmp(p + i, "..", 2)))
			return false;
		i += n + 1;
	}
	return true;
}

static int add_dir(const char *unit, const char *name, size_t len,
		   struct qr_run_list *l, struct qr_err *e)
{
	char who[512], path[4200];

	if (!clean_name(name, len) || len > 4096)
		return qr_err_set(e, "%s: RuntimeDirectory= name '%.*s' is not a relative path",
				  unit, (int)(len > 200 ? 200 : len), name);
	snprintf(who, sizeof(who), "%s: RuntimeDirectory=", unit);
	snprintf(path, sizeof(path), "/run/%.*s", (int)len, name);
	return qr_run_list_add(l, who, path) ? qr_err_set(e, "out of memory") : 0;
}

static int runtime_dirs(const char *unit, const char *v, size_t len,
			struct qr_run_list *l, struct qr_err *e)
{
	const char *end = v + len;

	while (v < end) {
		const char *w = v, *colon;
		size_t n;

		while (w < end && *w != ' ')
			w++;
		n = (size_t)(w - v);
		colon = memchr(v, ':', n);
		if (n && (colon ? add_dir(unit, v, (size_t)(colon - v), l, e) ||
			  add_dir(unit, colon + 1, (size_t)(w - colon - 1), l, e) :
			  add_dir(unit, v, n, l, e)))
			return -1;
		v = w + (w < end);
	}
	return 0;
}

int qr_unit_run_parse(const char *unit, const char *text,
		      struct qr_run_list *l, struct qr_err *e)
{
	while (*text) {
		const char *nl = strchrnul(text, '\n');
		size_t len = (size_t)(nl - text);

		if (len > 8 && !strncmp(text, "PIDFile=", 8)) {
			char who[512], path[4200];

			if (text[8] != '/' || len - 8 > 4096)
				return qr_err_set(e, "%s: PIDFile= is not an absolute path", unit);
			snprintf(who, sizeof(who), "%s: PIDFile=", unit);
			snprintf(path, sizeof(path), "%.*s", (int)(len - 8), text + 8);
			if (qr_run_list_add(l, who, path))
				return qr_err_set(e, "out of memory");
		} else if (len >= 17 && !strncmp(text, "RuntimeDirectory=", 17) &&
			   runtime_dirs(unit, text + 17, len - 17, l, e)) {
			return -1;
		}
		text = *nl ? nl + 1 : nl;
	}
	return 0;
}

int qr_units_run(const char *const *units, size_t n, struct qr_run_list *l)
{
	for (size_t i = 0; i < n; i++) {
		char *argv[] = { "systemctl", "show", "-p", QR_UNIT_RUN_PROPS, "--",
				 (char *)units[i], NULL };
		char out[16384];
		struct qr_err e;

		if (qr_run_output(argv, out, sizeof(out))) {
			qr_error("%s: systemctl show -p %s failed", units[i], QR_UNIT_RUN_PROPS);
			return QR_EXIT_FAIL;
		}
		if (qr_unit_run_parse(units[i], out, l, &e)) {
			qr_error("%s", e.msg);
			return QR_EXIT_UNSAFE;
		}
	}
	return QR_EXIT_OK;
}
