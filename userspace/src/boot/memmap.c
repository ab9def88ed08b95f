/* memmap= value parser. */
#include "boot/memmap.h"

#include <stdlib.h>
#include <string.h>

static int kind_of(char c, enum qr_memmap_kind *kind)
{
	switch (c) {
	case '@': *kind = QR_MEMMAP_RAM; return 0;
	case '#': *kind = QR_MEMMAP_ACPI; return 0;
	case '$': *kind = QR_MEMMAP_RESERVED; return 0;
	case '!': *kind = QR_MEMMAP_PERSISTENT; return 0;
	default: return -1;
	}
}

/* One list entry, NUL-terminated in item. */
static int parse_one(const char *item, struct qr_memmap_entry *out,
		     struct qr_err *e)
{
	char shown[QR_TOKEN_BUF];
	struct qr_err inner;
	const char *p;
	struct qr_range r;

	qr_err_token(shown, item, strlen(item));
	if (!*item)
		return qr_err_set(e, "memmap: empty entry");
	if (!strcmp(item, "exactmap")) {
		out->kind = QR_MEMMAP_EXACTMAP;
		out->range = (struct qr_range){ 0, 0 };
		return 0;
	}
	if (qr_parse_size_prefix(item, &p, &r.size, item, &inner))
		return qr_err_set(e, "memmap entry %s", inner.msg);
	if (!*p) {
		out->kind = QR_MEMMAP_LIMIT;
		out->range = (struct qr_range){ 0, r.size };
		return 0;
	}
	if (*p == '%')
		return qr_err_set(e, "memmap entry '%s': the SIZE%%ADDR-OLD+NEW form is not supported",
				  shown);
	if (kind_of(*p, &out->kind))
		return qr_err_set(e, "memmap entry '%s': expected one of @ # $ ! after the size",
				  shown);
	if (qr_parse_range(item, *p, &r, &inner))
		return qr_err_set(e, "memmap entry %s", inner.msg);
	out->range = r;
	return 0;
}

int qr_memmap_parse(const char *value, struct qr_memmap *out, struct qr_err *e)
{
	struct qr_memmap mm = { 0 };
	size_t items = 1;
	char *copy, *item, *comma;

	for (const char *c = value; *c; c++)
		items += *c == ',';
	copy = strdup(value);
	mm.entry = calloc(items, sizeof(*mm.entry));
	if (!copy || !mm.entry) {
		free(copy);
		free(mm.entry);
		return qr_err_set(e, "out of memory");
	}
	for (item = copy; item; item = comma) {
		comma = strchr(item, ',');
		if (comma)
			*comma++ = '\0';
		if (parse_one(item, &mm.entry[mm.n], e)) {
			free(copy);
			free(mm.entry);
			return -1;
		}
		mm.n++;
	}
	free(copy);
	*out = mm;
	return 0;
}

void qr_memmap_free(struct qr_memmap *mm)
{
	free(mm->entry);
	mm->entry = NULL;
	mm->n = 0;
}
