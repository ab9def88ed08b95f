/* quickreboot cmdline */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "boot/first_block.h"
#include "boot/newcmdline.h"
#include "boot/next_kernel.h"
#include "boot/cmdline_tok.h"
#include "shelter/checks.h"
#include "shelter/locate.h"

static const char usage[] =
	"usage: quickreboot cmdline [--cmdline STRING] [--append ARGS] [--iomem FILE]\n"
	"                           [--mode zero-copy|copy|auto] [--release VER]\n"
	"                           [--hide-from DIR] [--kexec-options]\n"
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
	"With a boot area (a memmap=SIZE$ADDR range of RAM that is neither the\n"
	"shelter nor System RAM), zero copy confines the New kernel to it: every\n"
	"other RAM range but the first memory block is marked memmap=SIZE$ADDR\n"
	"(with --hide-from, the pageblocks of it that hold kept pages too); copy mode\n"
	"keeps it reserved. Either adds quickreboot.bootarea=SIZE@ADDR.\n"
	"  --mode MODE       zero-copy, copy, or auto (default): zero copy when\n"
	"                    there is a boot area and the New kernel can adopt\n"
	"                    frames (not with IBT enforced by CPU and kernel)\n"
	"  --release VER     the New kernel's release, for /boot/config-VER\n"
	"  --hide-from DIR   hide the pageblocks of the first memory block that\n"
	"                    `checkpoint --keep-first-block --dir DIR` wrote to\n"
	"                    DIR/" QR_FIRST_BLOCK_FILE " (zero copy; none: no file)\n"
	"  --kexec-options   print kexec's placement options for the boot area\n"
	"                    (--mem-min=ADDR --mem-max=ADDR; nothing in copy mode)\n"
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
		{ "mode", required_argument, 0, 'm' },
		{ "release", required_argument, 0, 'r' },
		{ "kexec-options", no_argument, 0, 'k' },
		{ "hide-from", required_argument, 0, 'H' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *current = NULL, *append = NULL, *iomem = NULL, *release = NULL;
	const char *hide_from = NULL;
	struct qr_spans first_block = { 0 };
	struct qr_next_kernel nk;
	struct qr_err e;
	int opt, rc = QR_EXIT_OK, want = QR_WANT_AUTO, kexec_opts = 0;

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
		else if (opt == 'r')
			release = optarg;
		else if (opt == 'k')
			kexec_opts = 1;
		else if (opt == 'H')
			hide_from = optarg;
		else if (opt == 'm' && (want = qr_parse_mode(optarg)) < 0)
			return qr_usage_error(usage, "cmdline: unknown mode '%s'", optarg);
	}
	if (optind < argc)
		return qr_usage_error(usage, "cmdline: unexpected argument '%s'", argv[optind]);
	if (hide_from && qr_first_block_read(hide_from, &first_block, &e)) {
		qr_error("cmdline: %s", e.msg);
		return QR_EXIT_FAIL;
	}
	rc = qr_next_kernel(current, append, want, release, &first_block, &nk);
	qr_spans_free(&first_block);
	if (rc)
		return rc;
	if (iomem)
		rc = check_iomem(nk.line, iomem);
	if (!rc && kexec_opts && nk.zero_copy)
		printf("--mem-min=0x%llx --mem-max=0x%llx\n",
		       (unsigned long long)nk.boot.start,
		       (unsigned long long)nk.boot.end - 1);
	else if (!rc && !kexec_opts)
		printf("%s\n", nk.line);
	free(nk.line);
	return rc;
}
