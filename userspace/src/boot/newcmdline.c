/* New kernel command line builder. */
#include "boot/newcmdline.h"

#include <stdlib.h>
#include <string.h>

#include "boot/cmdline_tok.h"
#include "boot/memmap.h"
#include "shelter/checks.h"

/* quickreboot.units= names the units of one quick reboot: a later one
 * that keeps no unit must not inherit it. */
static const char *const not_inherited[] = {
	"BOOT_IMAGE", "initrd", "kexec_jump_back_entry", "elfcorehdr",
	"quickreboot.units",
};

bool qr_param_inherited(const char *name)
{
	for (size_t i = 0; i < sizeof(not_inherited) / sizeof(*not_inherited); i++)
		if (qr_param_name_eq(name, not_inherited[i]))
			return false;
	return true;
}

static bool accumulates(const char *name)
{
	return qr_param_name_eq(name, "memmap");
}

static bool has_raw(const struct qr_cmdline *cl, const struct qr_param *p)
{
	for (size_t i = 0; i < cl->n; i++)
		if (cl->param[i].init_arg == p->init_arg &&
		    !strcmp(cl->param[i].raw, p->raw))
			return true;
	return false;
}

/* A kernel parameter of the current line the appended ones replace. */
static bool replaced(const struct qr_cmdline *add, const struct qr_param *p)
{
	return !accumulates(p->name) && qr_cmdline_find_last(add, p->name);
}

struct out {
	char *buf;
	size_t len;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len)
		o->buf[o->len++] = ' ';
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_kernel(struct out *o, const struct qr_cmdline *cur,
		       const struct qr_cmdline *add)
{
	for (size_t i = 0; i < cur->n; i++) {
		const struct qr_param *p = &cur->param[i];

		if (!p->init_arg && qr_param_inherited(p->name) && !replaced(add, p))
			put(o, p->raw);
	}
	for (size_t i = 0; i < add->n; i++) {
		const struct qr_param *p = &add->param[i];

		if (!p->init_arg && !(accumulates(p->name) && has_raw(cur, p)))
			put(o, p->raw);
	}
}

static bool any_init_arg(const struct qr_cmdline *cl)
{
	return cl->n && cl->param[cl->n - 1].init_arg;
}

static void put_init(struct out *o, const struct qr_cmdline *cur,
		     const struct qr_cmdline *add)
{
	if (!any_init_arg(cur) && !any_init_arg(add))
		return;
	put(o, "--");
	for (size_t i = 0; i < cur->n; i++)
		if (cur->param[i].init_arg)
			put(o, cur->param[i].raw);
	for (size_t i = 0; i < add->n; i++)
		if (add->param[i].init_arg)
			put(o, add->param[i].raw);
}

/* The kernel would skip a bad memmap= entry, and with it maybe the
 * shelter's reservation. */
static int check_memmaps(const struct qr_cmdline *cl, struct qr_err *e)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct qr_param *p = &cl->param[i];
		struct qr_memmap mm;

		if (p->init_arg || !qr_param_name_eq(p->name, "memmap"))
			continue;
		if (!p->value)
			return qr_err_set(e, "'memmap' without a value");
		if (qr_memmap_parse(p->value, &mm, e))
			return -1;
		qr_memmap_free(&mm);
	}
	return 0;
}

/* The checks run on the line as the New kernel will read it. */
static int check_result(const char *line, struct qr_err *e)
{
	struct qr_cmdline cl;
	struct qr_range r;
	struct qr_err inner;
	int found, rc = 0;

	if (strlen(line) >= QR_CMDLINE_MAX)
		return qr_err_set(e, "the new command line has %zu bytes, the kernel keeps only %d",
				  strlen(line), QR_CMDLINE_MAX - 1);
	if (qr_cmdline_parse(line, &cl, &inner))
		return qr_err_set(e, "new command line: %s", inner.msg);
	if (check_memmaps(&cl, &inner)) {
		qr_cmdline_free(&cl);
		return qr_err_set(e, "%s", inner.msg);
	}
	found = qr_shelter_from_cmdline(&cl, &r, &inner);
	if (found < 0 ||
	    (found == 0 && (qr_shelter_check_alignment(&r, &inner) ||
			    qr_shelter_check_memmap(&cl, &r, &inner))))
		rc = qr_err_set(e, "%s", inner.msg);
	qr_cmdline_free(&cl);
	return rc;
}

char *qr_new_cmdline(const char *current, const char *append, struct qr_err *e)
{
	struct qr_cmdline cur, add;
	struct qr_err inner;
	struct out o = { 0 };

	if (qr_cmdline_parse(current, &cur, &inner)) {
		qr_err_set(e, "current command line: %s", inner.msg);
		return NULL;
	}
	if (qr_cmdline_parse(append ? append : "", &add, &inner)) {
		qr_err_set(e, "appended parameters: %s", inner.msg);
		qr_cmdline_free(&cur);
		return NULL;
	}
	/* Raw tokens plus separators and "--" never exceed both inputs. */
	o.buf = malloc(strlen(current) + (append ? strlen(append) : 0) + 8);
	if (!o.buf) {
		qr_err_set(e, "out of memory");
	} else {
		o.buf[0] = '\0';
		put_kernel(&o, &cur, &add);
		put_init(&o, &cur, &add);
		if (check_result(o.buf, e)) {
			free(o.buf);
			o.buf = NULL;
		}
	}
	qr_cmdline_free(&cur);
	qr_cmdline_free(&add);
	return o.buf;
}
