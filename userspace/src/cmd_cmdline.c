/* quickreboot cmdline */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "newcmdline.h"
#include "readfile.h"
#include "cmdline_tok.h"
#include "shelter_checks.h"
#include "shelter_locate.h"

static const char usage[] =
	"usage: quickreboot cmdline [--cmdline STRING] [--append ARGS] [--iomem FILE]\n"
	"Prints the kernel command line for the New kernel: the current one\n"
	"(/proc/cmdline, or STRING) without BOOT_IMAGE=, initrd=,\n"
	"kexec_jump_back_entry= and elfcorehdr=, keeping every memmap= (kexec\n"
	"does not pass memmap= changes on), then ARGS. A parameter in ARGS\n"
	"replaces one of the same name, except memmap=, which accumulates.\n"
	"Refuses a malformed memmap=, a quickreboot.shelter= that no\n"
	"memmap=SIZE$ADDR reserves, or a line longer than the kernel keeps.\n"
	"  --cmdline STRING  start from STRING instead of /proc/cmdline\n"
	"  --append ARGS     parameters to add (a \"--\" in ARGS starts init arguments)\n"
	"  --iomem FILE      also check the shelter against FILE (a copy of\n"
	"                    /proc/iomem): inside Reserved, outside System RAM\n"
	QR_EXIT_CODES;

/* line was built by qr_new_cmdline(): it parses, and its shelter, if any,
 * is aligned and reserved by a memmap=. */
static int check_iomem(const char *line, const char *iomem)
{
	struct qr_cmdline cl;
	struct qr_range r;
	struct qr_err e;
	int found;

	if (qr_cmdline_parse(line, &cl, &e)) {
		qr_error("cmdline: %s", e.msg);
		return QR_EXIT_FAIL;
	}
	found = qr_shelter_from_cmdline(&cl, &r, &e);
	qr_cmdline_free(&cl);
	if (found) {
		qr_error("cmdline: the new command line names no shelter (%s=) to check against %s",
			 QR_SHELTER_PARAM, iomem);
		return QR_EXIT_UNSAFE;
	}
	return qr_check_shelter_iomem(iomem, &r);
}

int cmd_cmdline(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cmdline", required_argument, 0, 'c' },
		{ "append", required_argument, 0, 'a' },
		{ "iomem", required_argument, 0, 'i' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *current = NULL, *append = NULL, *iomem = NULL;
	char *proc = NULL, *line;
	struct qr_err e;
	int opt, rc = QR_EXIT_OK;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'c')
			current = optarg;
		else if (opt == 'a')
			append = optarg;
		else if (opt == 'i')
			iomem = optarg;
	}
	if (optind < argc)
		return qr_usage_error(usage, "cmdline: unexpected argument '%s'", argv[optind]);
	if (!current) {
		proc = qr_read_file("/proc/cmdline", 64 * 1024);
		if (!proc) {
			qr_error("cannot read /proc/cmdline: %s", strerror(errno));
			return QR_EXIT_FAIL;
		}
		current = proc;
	}
	line = qr_new_cmdline(current, append, &e);
	free(proc);
	if (!line) {
		qr_error("cmdline: %s", e.msg);
		return QR_EXIT_UNSAFE;
	}
	if (iomem)
		rc = check_iomem(line, iomem);
	if (!rc)
		printf("%s\n", line);
	free(line);
	return rc;
}
