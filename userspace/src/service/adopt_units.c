/* quickreboot.units= (adopt_units.h). Pure: no I/O. */
#include "service/adopt_units.h"

#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"

int qr_adopt_units_param(const char *const *unit, size_t n, struct qr_strbuf *b)
{
	size_t len = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++)
		len += strlen(unit[i]) + (i > 0);
	if (len > QR_UNITS_PARAM_MAX)
		return -1;
	qr_strbuf_puts(b, QR_UNITS_CMDLINE_PARAM "=");
	for (size_t i = 0; i < n; i++)
		qr_strbuf_printf(b, "%s%s", i ? "," : "", unit[i]);
	return qr_strbuf_failed(b) ? -1 : 0;
}

int qr_adopt_units_parse(const char *value, struct qr_adopt_units *out,
			 struct qr_err *e)
{
	char shown[QR_TOKEN_BUF], *p;
	size_t len = strlen(value), most = 1;

	memset(out, 0, sizeof(*out));
	if (!len || len > QR_UNITS_PARAM_MAX)
		return qr_err_set(e, "%s= is empty or longer than %d bytes",
				  QR_UNITS_CMDLINE_PARAM, QR_UNITS_PARAM_MAX);
	for (p = (char *)value; (p = strchr(p, ',')); p++)
		most++;
	out->buf = strdup(value);
	out->unit = calloc(most, sizeof(*out->unit));
	if (!out->buf || !out->unit) {
		qr_adopt_units_free(out);
		return qr_err_set(e, "out of memory");
	}
	for (p = out->buf; p; ) {
		char *name = p, *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		p = comma ? comma + 1 : NULL;
		if (!qr_unit_name_valid(name)) {
			qr_err_set(e, "%s=: not a service unit name: '%s'", QR_UNITS_CMDLINE_PARAM,
				   qr_err_token(shown, name, strlen(name)));
			goto bad;
		}
		for (size_t i = 0; i < out->n; i++)
			if (!strcmp(out->unit[i], name)) {
				qr_err_set(e, "%s=: %s is listed twice", QR_UNITS_CMDLINE_PARAM, name);
				goto bad;
			}
		out->unit[out->n++] = name;
	}
	return 0;
bad:
	qr_adopt_units_free(out);
	return -1;
}

void qr_adopt_units_free(struct qr_adopt_units *u)
{
	free(u->unit);
	free(u->buf);
	memset(u, 0, sizeof(*u));
}
