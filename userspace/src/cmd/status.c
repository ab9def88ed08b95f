/* quickreboot status */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "status/status.h"
#include "status/gather.h"

static const char usage[] =
	"usage: quickreboot status [--json] [--root DIR]\n"
	"Shows what is reserved for the shelter (quickreboot.shelter= and\n"
	"memmap= on /proc/cmdline, checked in /proc/iomem, which needs root),\n"
	"what the next cold boot reserves (/etc/default/grub.d/quickreboot.cfg),\n"
	"the shelter module's state (/sys/module/shelter/status), which kernels\n"
	"have the quickreboot modules (/lib/modules/*/updates/dkms), which kernel\n"
	"a quick reboot would enter (the newest /boot/vmlinuz-*), what\n"
	"/etc/quickreboot.conf lists, and whether the system is ready.\n"
	"  --json      print one JSON object instead of text\n"
	"  --root DIR  read every file below DIR instead of / (for tests)\n"
	"Exit status 0 when ready, 3 when not ready.\n"
	QR_EXIT_CODES;

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, 0, 'j' },
		{ "root", required_argument, 0, 'r' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	struct qr_strbuf out = { 0 };
	struct qr_status st;
	const char *root = "";
	bool json = false, ok = true;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'j')
			json = true;
		else if (opt == 'r')
			root = optarg;
	}
	if (optind < argc)
		return qr_usage_error(usage, "status: unexpected argument '%s'", argv[optind]);
	qr_status_gather(&st, root);
	qr_status_decide(&st);
	if (json)
		ok = qr_status_render_json(&out, &st);
	else
		qr_status_render_text(&out, &st);
	rc = st.ready ? QR_EXIT_OK : QR_EXIT_UNSAFE;
	if (!ok || qr_strbuf_failed(&out)) {
		qr_error("status: cannot format the report (out of memory)");
		rc = QR_EXIT_FAIL;
	} else {
		fputs(qr_strbuf_str(&out), stdout);
	}
	qr_strbuf_free(&out);
	qr_status_free(&st);
	if (fflush(stdout)) {
		qr_error("status: cannot write the report");
		rc = QR_EXIT_FAIL;
	}
	return rc;
}
