/* See first_block.h. */
#include "boot/first_block.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/confine.h"
#include "boot/memmap.h"
#include "lib/readfile.h"

char *qr_first_block_format(const struct qr_spans *hide)
{
	size_t cap = hide->n * 48 + 2, len = 0;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	for (size_t i = 0; i < hide->n; i++) {
		if (i)
			text[len++] = ',';
		qr_format_range(text + len, cap - len, hide->s[i].start,
				hide->s[i].end, '$');
		len += strlen(text + len);
	}
	text[len++] = '\n';
	text[len] = '\0';
	return text;
}

int qr_first_block_parse(const char *text, struct qr_spans *hide,
			 struct qr_err *e)
{
	struct qr_memmap mm;
	char *value = strdup(text);
	int rc = -1;

	hide->s = NULL;
	hide->n = 0;
	if (!value) {
		qr_err_set(e, "out of memory");
		return -1;
	}
	value[strcspn(value, "\n")] = '\0';
	if (qr_memmap_parse(value, &mm, e)) {
		free(value);
		return -1;
	}
	for (size_t i = 0; i < mm.n; i++) {
		const struct qr_range *r = &mm.entry[i].range;

		if (mm.entry[i].kind != QR_MEMMAP_RESERVED || !r->size ||
		    r->start % QR_PAGEBLOCK || r->size % QR_PAGEBLOCK ||
		    r->start > UINT64_MAX - r->size) {
			qr_err_set(e, "entry %zu is not a run of whole 2 MiB pageblocks SIZE$ADDR",
				   i + 1);
			goto out;
		}
		if (qr_spans_add(hide, r->start, r->start + r->size)) {
			qr_err_set(e, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc)
		qr_spans_free(hide);
	qr_memmap_free(&mm);
	free(value);
	return rc;
}

/* Whether [start, end) is wholly in ram: 1 or 0, or -1 out of memory. */
static int all_ram(const struct qr_spans *ram, uint64_t start, uint64_t end)
{
	struct qr_spans rest = { 0 };
	int whole = -1;

	if (qr_spans_add(&rest, start, end))
		return -1;
	for (size_t j = 0; j < ram->n; j++)
		if (qr_spans_sub(&rest, ram->s[j].start, ram->s[j].end))
			goto out;
	whole = rest.n == 0;
out:
	qr_spans_free(&rest);
	return whole;
}

int qr_first_block_check(const struct qr_memview *m,
			 const struct qr_spans *hide, struct qr_err *e)
{
	for (size_t i = 0; i < hide->n; i++) {
		const struct qr_span *s = &hide->s[i];
		int ram;

		if (s->start < QR_PAGEBLOCK || s->end > m->block) {
			qr_err_set(e, "pageblocks 0x%" PRIx64 "-0x%" PRIx64 " are not in the first memory block past its first pageblock",
				   s->start, s->end - 1);
			return -1;
		}
		ram = all_ram(&m->fwram, s->start, s->end);
		if (ram < 0) {
			qr_err_set(e, "out of memory");
			return -1;
		}
		if (!ram) {
			qr_err_set(e, "pageblocks 0x%" PRIx64 "-0x%" PRIx64 " are not all RAM in the firmware map",
				   s->start, s->end - 1);
			return -1;
		}
	}
	return 0;
}

int qr_first_block_read(const char *dir, struct qr_spans *hide,
			struct qr_err *e)
{
	char path[4096], *text;
	int rc;

	hide->s = NULL;
	hide->n = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, QR_FIRST_BLOCK_FILE);
	text = qr_read_file(path, 64 * 1024);
	if (!text) {
		if (errno == ENOENT)
			return 0;
		qr_err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = qr_first_block_parse(text, hide, e);
	if (rc) {
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		qr_err_set(e, "%s: %s", path, msg);
	}
	free(text);
	return rc;
}
