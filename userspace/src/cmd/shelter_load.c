/* quickreboot shelter load */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libkmod.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "shelter/contract.h"
#include "shelter/locate.h"

static const char usage[] =
	"usage: quickreboot shelter load [--region SIZE@ADDR] [--format]\n"
	"Loads the " QR_SHELTER_MODULE " module over the shelter, which becomes "
	QR_SHELTER_DEVICE ".\n"
	"The shelter is --region, or else quickreboot.shelter=SIZE@ADDR on\n"
	"/proc/cmdline, which a memmap=SIZE$ADDR there must reserve. Either way\n"
	"/proc/iomem must show it inside Reserved and outside System RAM.\n"
	"shelter.* options on /proc/cmdline and in modprobe.d apply too.\n"
	"  --region SIZE@ADDR  the shelter's range (K/M/G/T suffixes, 0x hex)\n"
	"  --format            let the module initialise a fresh or corrupt shelter\n"
	"                      (without it, such a shelter is refused, not erased)\n"
	"An already loaded module is an error: its parameters cannot change.\n"
	QR_EXIT_CODES;

static int insert(const struct qr_range *r, bool format)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct utsname uts;
	char opts[128];
	int err, rc = QR_EXIT_FAIL;

	snprintf(opts, sizeof(opts), "%s=0x%" PRIx64 "@0x%" PRIx64 "%s",
		 QR_SHELTER_OPT_REGION, r->size, r->start,
		 format ? " " QR_SHELTER_OPT_FORMAT "=1" : "");
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		qr_error("shelter load: cannot initialise libkmod");
		return QR_EXIT_FAIL;
	}
	err = kmod_module_new_from_name(ctx, QR_SHELTER_MODULE, &mod);
	if (!err)
		err = kmod_module_probe_insert_module(mod, KMOD_PROBE_FAIL_ON_LOADED,
						      opts, NULL, NULL, NULL);
	if (err == 0) {
		rc = QR_EXIT_OK;
	} else if (err == -EEXIST) {
		qr_error("shelter load: module %s is already loaded; unload it to change its parameters",
			 QR_SHELTER_MODULE);
	} else if (err == -ENOENT && uname(&uts) == 0) {
		qr_error("shelter load: module %s not found for kernel %s (is quickreboot-dkms built for it?)",
			 QR_SHELTER_MODULE, uts.release);
	} else {
		qr_error("shelter load: inserting %s with '%s': %s (see the kernel log)",
			 QR_SHELTER_MODULE, opts, strerror(err < 0 ? -err : err));
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc;
}

int cmd_shelter_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, 0, 'r' },
		{ "format", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *region = NULL;
	bool format = false;
	struct qr_range r;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'r')
			region = optarg;
		else if (opt == 'f')
			format = true;
	}
	if (optind < argc)
		return qr_usage_error(usage, "shelter load: unexpected argument '%s'", argv[optind]);
	rc = qr_locate_shelter(region, NULL, &r);
	if (!rc)
		rc = qr_check_shelter_iomem(NULL, &r);
	if (!rc)
		rc = insert(&r, format);
	return rc;
}
