/* /proc/iomem parser. */
#include "boot/iomem.h"

#include <stdlib.h>
#include <string.h>

/* Deeper than the kernel ever nests resources; bounds the parent stack. */
#define MAX_DEPTH 32

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex without "0x", at least one digit, at most 64 bits. */
static const char *parse_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = p;

	for (; hex_digit(*p) >= 0; p++) {
		if (v >> 60)
			return NULL;
		v = v << 4 | (uint64_t)hex_digit(*p);
	}
	if (p == start)
		return NULL;
	*out = v;
	return p;
}

static int line_error(struct qr_err *e, size_t lineno, const char *line,
		      const char *what)
{
	char shown[QR_TOKEN_BUF];

	return qr_err_set(e, "iomem line %zu '%s': %s", lineno,
			  qr_err_token(shown, line, strlen(line)), what);
}

static int parse_line(char *line, size_t lineno, struct qr_iomem_entry *out,
		      struct qr_err *e)
{
	const char *p = line;
	size_t spaces = 0;

	while (p[spaces] == ' ')
		spaces++;
	if (spaces % 2)
		return line_error(e, lineno, line, "odd indentation");
	if (spaces / 2 > MAX_DEPTH)
		return line_error(e, lineno, line, "nested too deep");
	p += spaces;
	p = parse_hex(p, &out->start);
	if (!p || *p != '-')
		return line_error(e, lineno, line, "expected START-END");
	p = parse_hex(p + 1, &out->end);
	if (!p || strncmp(p, " : ", 3))
		return line_error(e, lineno, line, "expected START-END : NAME");
	if (out->start > out->end)
		return line_error(e, lineno, line, "start is above end");
	out->depth = (unsigned)(spaces / 2);
	out->name = p + 3;
	return 0;
}

int qr_iomem_parse(const char *text, struct qr_iomem *out, struct qr_err *e)
{
	const struct qr_iomem_entry *parent[MAX_DEPTH + 1];
	struct qr_iomem io = { 0 };
	size_t lines = 1, lineno = 0;
	char *line, *nl;

	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	io.buf = strdup(text);
	io.entry = calloc(lines, sizeof(*io.entry));
	if (!io.buf || !io.entry) {
		qr_iomem_free(&io);
		return qr_err_set(e, "out of memory");
	}
	for (line = io.buf; line; line = nl) {
		struct qr_iomem_entry *en = &io.entry[io.n];

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		if (!*line)
			continue;
		if (parse_line(line, lineno, en, e))
			goto fail;
		if (en->depth > 0) {
			const struct qr_iomem_entry *up;

			if (io.n == 0 || en->depth > io.entry[io.n - 1].depth + 1) {
				line_error(e, lineno, line, "indented deeper than one level below the line above");
				goto fail;
			}
			up = parent[en->depth - 1];
			if (en->start < up->start || en->end > up->end) {
				line_error(e, lineno, line, "outside its parent's range");
				goto fail;
			}
		}
		parent[en->depth] = en;
		io.n++;
	}
	*out = io;
	return 0;
fail:
	qr_iomem_free(&io);
	return -1;
}

void qr_iomem_free(struct qr_iomem *io)
{
	free(io->entry);
	free(io->buf);
	memset(io, 0, sizeof(*io));
}

bool qr_iomem_has_addresses(const struct qr_iomem *io)
{
	for (size_t i = 0; i < io->n; i++)
		if (io->entry[i].end)
			return true;
	return false;
}
