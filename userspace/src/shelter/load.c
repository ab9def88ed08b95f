/* Loading the shelter module over the shelter (shelter.h). */
#include "shelter/shelter.h"

#include <errno.h>
#include <inttypes.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/exit.h"
#include "shelter/contract.h"
#include "shelter/locate.h"

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

int qr_shelter_load(const struct qr_shelter_load_opts *o)
{
	struct qr_range r;
	int rc;

	rc = qr_locate_shelter(o->region, NULL, &r);
	if (!rc)
		rc = qr_check_shelter_iomem(NULL, &r);
	if (!rc)
		rc = insert(&r, o->format);
	return rc;
}
