/* quickreboot-generator (systemd.generator(7)), a link to the quickreboot
 * command: after a quick reboot whose command line names the kept units
 * (quickreboot.units=, with quickreboot.restore=TOKEN), writes each one's
 * adoption drop-in into the generator directory before systemd first
 * loads its units, so that restore needs no daemon-reload (adopt.h).
 * Until restore has decided (QR_ADOPT_DECIDED missing) every listed unit
 * gets one: none may start anew before restore. Afterwards (a reload)
 * only those whose processes wait for adoption (a record in QR_ADOPT_DIR)
 * keep theirs; `adopt --finish` removes the records. Reads /proc/cmdline
 * and /run only, writes only in its directory; whatever goes wrong, it
 * writes nothing and exits 0: restore then writes the drop-ins itself. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/cmdline_tok.h"
#include "image/keep_record.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "service/adopt.h"
#include "service/adopt_units.h"

/* The kept units if the command line names them with a token. */
static int cmdline_units(const char *text, struct qr_adopt_units *u)
{
	const struct qr_param *tok, *units;
	struct qr_cmdline cl;
	struct qr_err e;
	int rc = -1;

	if (qr_cmdline_parse(text, &cl, &e))
		return -1;
	tok = qr_cmdline_find_last(&cl, QR_KEEP_CMDLINE_PARAM);
	units = qr_cmdline_find_last(&cl, QR_UNITS_CMDLINE_PARAM);
	if (tok && tok->value && qr_keep_token_valid(tok->value) && units && units->value) {
		rc = qr_adopt_units_parse(units->value, u, &e);
		if (rc)
			qr_error("quickreboot-generator: %s: no drop-in written", e.msg);
	}
	qr_cmdline_free(&cl);
	return rc;
}

int qr_adopt_generate(const char *cmdline, const char *dir, const char *exe,
		      bool decided)
{
	struct qr_adopt_units u;
	struct qr_strbuf dropin = { 0 };
	int written = 0;

	if (cmdline_units(cmdline, &u))
		return 0;
	qr_adopt_dropin(exe, &dropin);
	for (size_t i = 0; !qr_strbuf_failed(&dropin) && i < u.n; i++)
		if ((!decided || qr_adopt_recorded(u.unit[i])) &&
		    !qr_adopt_dropin_write(dir, u.unit[i], qr_strbuf_str(&dropin)))
			written++;
	qr_strbuf_free(&dropin);
	qr_adopt_units_free(&u);
	return written;
}

int qr_adopt_generator(int argc, char **argv)
{
	char *text = qr_read_file("/proc/cmdline", 1 << 16);
	char exe[4096];

	if (!text)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (qr_adopt_exe(exe, sizeof(exe)))
		qr_adopt_generate(text, argc > 1 ? argv[1] : QR_GENERATOR_DIR, exe,
				  !access(QR_ADOPT_DECIDED, F_OK));
	else
		qr_error("quickreboot-generator: the path of this program is unusable in a unit file");
	free(text);
	return 0;
}
