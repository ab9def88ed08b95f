/* Fuzzes journald's stream state file parser (fds/journal_rec.c): no
 * crash, and an accepted file gives a header of exactly seven lines
 * whose fields pass the image data's own checks. */
#include <stdlib.h>
#include <string.h>

#include "fds/journal.h"
#include "fuzz_input.h"

static const char sock[] = "/run/systemd/journal/stdout";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t img[sizeof(struct qr_journal_rec) + sizeof(sock) +
		    2 * QR_JOURNAL_FIELD_MAX];
	char header[QR_JOURNAL_HEADER_MAX], path[QR_JOURNAL_PATH_MAX + 1];
	struct qr_journal_rec r = { .owner = 1 }, back;
	struct qr_journal_state s, again;
	struct qr_err e;
	size_t n, lines = 0, off = sizeof(r);

	if (qr_journal_state_parse((const char *)data, size, &s, &e)) {
		if (!memchr(e.msg, '\0', sizeof(e.msg)))
			abort();
		return 0;
	}
	n = qr_journal_header(&s, header);
	for (size_t i = 0; i < n; i++)
		lines += header[i] == '\n';
	if (lines != 7 || n != strlen(header) || header[n - 1] != '\n')
		abort();
	/* What capture records of it is valid image data. */
	r.priority = s.priority;
	r.level_prefix = s.level_prefix;
	r.forward_to_syslog = s.forward_to_syslog;
	r.forward_to_kmsg = s.forward_to_kmsg;
	r.forward_to_console = s.forward_to_console;
	r.path_len = sizeof(sock) - 1;
	r.identifier_len = (uint16_t)s.identifier_len;
	r.unit_len = (uint16_t)s.unit_len;
	memcpy(img, &r, sizeof(r));
	memcpy(img + off, sock, r.path_len);
	off += r.path_len;
	memcpy(img + off, s.identifier, s.identifier_len);
	off += s.identifier_len;
	memcpy(img + off, s.unit, s.unit_len);
	off += s.unit_len;
	{
		const char *why;

		if (qr_journal_img_parse(img, off, &back, path, &again, &why) ||
		    strcmp(again.identifier, s.identifier) ||
		    strcmp(again.unit, s.unit) || again.priority != s.priority)
			abort();
	}
	return 0;
}
