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
	if (err < 0)
		err = -err;
	/* The hint names the cause: not root, or no module for this kernel. */
	if (err == EPERM || err == EACCES)
		qr_error("%s: loading module %s: %s: loading a module needs root (CAP_SYS_MODULE), and this runs as uid %u",
			 who, module, strerror(err), (unsigned int)geteuid());
	else if (err == ENOENT)
		qr_error("%s: loading module %s: not found for this kernel (is quickreboot-dkms built for it?)",
			 who, module);
	else if (err)
		qr_error("%s: loading module %s: %s (see the kernel log)",
			 who, module, strerror(err));
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
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		qr_error("%s: %s: %s: root only (CAP_SYS_ADMIN), and this runs as uid %u",
			 who, device, strerror(errno), (unsigned int)geteuid());
	else if (fd < 0)
		qr_error("%s: %s: %s", who, device, strerror(errno));
	return fd;
}
