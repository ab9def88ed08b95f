/* See module_open.h. */
#include "lib/module_open.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <string.h>
#include <unistd.h>

#include "lib/exit.h"

static int load_module(const char *module, const char *who)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	int err = -ENOMEM;

	if (ctx)
		err = kmod_module_new_from_name(ctx, module, &mod);
	if (!err)
		err = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED,
						      NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	if (err)
		qr_error("%s: loading module %s: %s (is quickreboot-dkms built for this kernel?)",
			 who, module, strerror(err < 0 ? -err : err));
	return err ? -1 : 0;
}

int qr_module_open(const char *module, const char *device, const char *who)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (load_module(module, who))
			return -1;
		fd = open(device, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		qr_error("%s: %s: %s", who, device, strerror(errno));
	return fd;
}
