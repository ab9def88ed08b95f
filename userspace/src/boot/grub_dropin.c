/* GRUB drop-in text. */
#include "boot/grub_dropin.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shelter/checks.h"

const char *qr_format_size(char *buf, uint64_t v)
{
	if (v && v % (1ull << 30) == 0)
		snprintf(buf, 24, "%" PRIu64 "G", v >> 30);
	else if (v && v % (1ull << 20) == 0)
		snprintf(buf, 24, "%" PRIu64 "M", v >> 20);
	else
		snprintf(buf, 24, "0x%" PRIx64, v);
	return buf;
}

/* dollar: how "$" is written. */
static void params(struct qr_strbuf *out, const struct qr_range *r,
		   const char *dollar)
{
	char size[24];

	qr_format_size(size, r->size);
	qr_strbuf_printf(out, "memmap=%s%s0x%" PRIx64 " %s=%s@0x%" PRIx64,
			 size, dollar, r->start, QR_SHELTER_PARAM, size, r->start);
}

void qr_shelter_params(struct qr_strbuf *out, const struct qr_range *r)
{
	params(out, r, "$");
}

void qr_bootarea_params(struct qr_strbuf *out, const struct qr_range *boot)
{
	char size[24];

	qr_format_size(size, boot->size);
	qr_strbuf_printf(out, "memmap=%s$0x%" PRIx64, size, boot->start);
}

void qr_grub_dropin_text(struct qr_strbuf *out, const struct qr_range *r,
			 const struct qr_range *boot)
{
	qr_strbuf_puts(out,
		"# Written by \"quickreboot setup\": run it again instead of editing this\n"
		"# file; delete the file and run update-grub to undo it.\n"
		"#\n"
		"# The shelter, the memory that carries the checkpoint image across a\n"
		"# quick reboot: memmap=SIZE$ADDR keeps the kernel off it and\n"
		"# quickreboot.shelter=SIZE@ADDR names it for quickreboot.\n"
		"#\n"
		"# grub-mkconfig reads this file with /bin/sh and copies the value into\n"
		"# grub.cfg, where GRUB would expand \"$0\" in \"$0x...\" to nothing and\n"
		"# leave memmap=SIZE, which limits RAM to SIZE. Inside double quotes the\n"
		"# shell turns \\\\\\$ into \\$, which GRUB reads as a plain $.\n");
	if (boot)
		qr_strbuf_puts(out,
			"#\n"
			"# The boot area, the only memory a New kernel uses until it has\n"
			"# taken the kept processes' pages aside (zero copy): a second\n"
			"# memmap=SIZE$ADDR keeps this kernel off it.\n");
	qr_strbuf_puts(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT ");
	params(out, r, "\\\\\\$");
	if (boot) {
		char size[24];

		qr_format_size(size, boot->size);
		qr_strbuf_printf(out, " memmap=%s\\\\\\$0x%" PRIx64, size, boot->start);
	}
	qr_strbuf_puts(out, "\"\n");
}

int qr_grub_dropin_shelter(const char *text, struct qr_range *r,
			   struct qr_err *e)
{
	static const char key[] = QR_SHELTER_PARAM "=";
	const char *last = NULL, *p = text;
	char value[128];
	size_t len;

	while ((p = strstr(p, key))) {
		/* A whole word: at the start, or after a blank or a quote. */
		if (p == text || strchr(" \t\n\"'", p[-1]))
			last = p + strlen(key);
		p += strlen(key);
	}
	if (!last)
		return 1;
	len = strcspn(last, " \t\n\"'\\");
	if (len >= sizeof(value)) {
		char shown[QR_TOKEN_BUF];

		return qr_err_set(e, "%s='%s': too long", QR_SHELTER_PARAM,
				  qr_err_token(shown, last, len));
	}
	memcpy(value, last, len);
	value[len] = '\0';
	return qr_parse_range(value, '@', r, e) ? -1 : 0;
}
