/* See confine.h. */
#include "boot/confine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cmdline_tok.h"
#include "boot/first_block.h"
#include "boot/memmap.h"
#include "boot/newcmdline.h"

#define MIB ((uint64_t)1 << 20)

void qr_format_range(char *out, size_t len, uint64_t start, uint64_t end,
		     char sep)
{
	uint64_t size = end - start;

	if (size % MIB)
		snprintf(out, len, "0x%" PRIx64 "%c0x%" PRIx64, size, sep, start);
	else
		snprintf(out, len, "%" PRIu64 "M%c0x%" PRIx64, size / MIB, sep, start);
}

/* A memmap= of the current boot's hiding (or the cold boot's boot area):
 * every entry reserved and in firmware RAM, and not the shelter's own. */
static bool hides_ram(const struct qr_param *p, const struct qr_memview *m)
{
	struct qr_memmap mm;
	bool hides = true;

	if (!p->value || qr_memmap_parse(p->value, &mm, NULL))
		return false;
	for (size_t i = 0; i < mm.n; i++) {
		const struct qr_range *r = &mm.entry[i].range;

		if (mm.entry[i].kind != QR_MEMMAP_RESERVED ||
		    !qr_spans_overlap(&m->fwram, r->start, r->start + r->size) ||
		    (mm.n == 1 && m->has_shelter && r->start == m->shelter.start &&
		     r->size == m->shelter.size))
			hides = false;
	}
	qr_memmap_free(&mm);
	return hides;
}

struct out {
	char *buf;
	size_t len, cap;
	bool over;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n + 2 > o->cap) {
		o->over = true;	/* refused below */
		return;
	}
	if (o->len)
		o->buf[o->len++] = ' ';
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_range(struct out *o, const char *name, uint64_t start,
		      uint64_t end, char sep)
{
	char tok[96], r[64];

	qr_format_range(r, sizeof(r), start, end, sep);
	snprintf(tok, sizeof(tok), "%s=%s", name, r);
	put(o, tok);
}

/* The hidden ranges and the shelter in one memmap= list, first on the
 * line. The x86 decompressor keeps KASLR off the first 4 memmap= ranges
 * only, and ignores those after; a list longer than 4 turns physical
 * KASLR off (memmap_too_large), so the New kernel stays where kexec put it,
 * in the boot area. Separate parameters past the 4th would let KASLR
 * place the New kernel in hidden RAM, over preserved frames. */
static void put_hidden(struct out *o, const struct qr_spans *hide,
		       const struct qr_memview *m)
{
	struct qr_spans all = { 0 };
	char r[64];
	size_t len;

	for (size_t i = 0; i < hide->n; i++)
		if (qr_spans_add(&all, hide->s[i].start, hide->s[i].end))
			o->over = true;
	if (!all.n)
		return;
	/* Not merged with the hidden ranges: the shelter keeps its own entry. */
	put(o, "memmap=");
	for (size_t i = 0; i < all.n + m->has_shelter; i++) {
		uint64_t s = i < all.n ? all.s[i].start : m->shelter.start;
		uint64_t t = i < all.n ? all.s[i].end : m->shelter.start + m->shelter.size;

		qr_format_range(r, sizeof(r), s, t, '$');
		len = strlen(r);
		if (o->len + len + 2 > o->cap) {
			o->over = true;
			break;
		}
		if (i)
			o->buf[o->len++] = ',';
		memcpy(o->buf + o->len, r, len + 1);
		o->len += len;
	}
	qr_spans_free(&all);
}

/* The hidden ranges: the RAM the New kernel must not use. */
static int hidden(const struct qr_memview *m, const struct qr_span *boot,
		  const struct qr_spans *first_block, struct qr_spans *hide,
		  struct qr_err *e)
{
	if (first_block && qr_first_block_check(m, first_block, e))
		return -1;
	if (qr_bootarea_hide(m, boot, hide))
		goto oom;
	for (size_t i = 0; first_block && i < first_block->n; i++)
		if (qr_spans_add(hide, first_block->s[i].start,
				 first_block->s[i].end))
			goto oom;
	return 0;
oom:
	qr_err_set(e, "out of memory");
	return -1;
}

char *qr_confine_cmdline(const char *line, const struct qr_memview *m,
			 const struct qr_span *boot, bool zero_copy,
			 const struct qr_spans *first_block, struct qr_err *e)
{
	struct out o = { .cap = 4 * QR_CMDLINE_MAX };
	struct qr_spans hide = { 0 };
	struct qr_cmdline cl;
	bool init = false;

	if (qr_cmdline_parse(line, &cl, e))
		return NULL;
	o.buf = malloc(o.cap);
	if (!o.buf) {
		qr_err_set(e, "out of memory");
		goto fail;
	}
	if (zero_copy && hidden(m, boot, first_block, &hide, e))
		goto fail;
	o.buf[0] = '\0';
	if (zero_copy)
		put_hidden(&o, &hide, m);
	for (size_t i = 0; i < cl.n; i++) {
		const struct qr_param *p = &cl.param[i];

		if (p->init_arg)
			continue;
		if ((qr_param_name_eq(p->name, "memmap") && hides_ram(p, m)) ||
		    qr_param_name_eq(p->name, QR_BOOTAREA_PARAM))
			continue;
		put(&o, p->raw);
	}
	/* Copy mode keeps the boot area reserved for the next quick reboot
	 * and confines nothing: no quickreboot.bootarea=, which tells restore
	 * that this kernel has RAM to get back. */
	if (!zero_copy)
		put_range(&o, "memmap", boot->start, boot->end, '$');
	else
		put_range(&o, QR_BOOTAREA_PARAM, boot->start, boot->end, '@');
	for (size_t i = 0; i < cl.n; i++) {
		if (!cl.param[i].init_arg)
			continue;
		if (!init)
			put(&o, "--");
		init = true;
		put(&o, cl.param[i].raw);
	}
	if (o.over || o.len + 1 >= QR_CMDLINE_MAX) {
		qr_err_set(e, "the confined command line has %zu bytes or more, the kernel keeps only %d (%zu RAM ranges to hide)",
			   o.len, QR_CMDLINE_MAX - 1, hide.n);
		goto fail;
	}
	qr_spans_free(&hide);
	qr_cmdline_free(&cl);
	return o.buf;
fail:
	free(o.buf);
	qr_spans_free(&hide);
	qr_cmdline_free(&cl);
	return NULL;
}
