/* See module_open.h. */
#include "lib/module_open.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/exit.h"
#include "quickreboot/pfncheck_abi.h"
#include "quickreboot/restore_abi.h"

/* The devices whose module must speak the ABI this command was built for. */
static const struct {
	const char *device;
	unsigned long ioc;	/* never changes: every build answers it */
	uint32_t version;
} abis[] = {
	{ PFNCHECK_DEVICE, PFNCHECK_IOC_ABI_VERSION, PFNCHECK_ABI_VERSION },
	{ QR_RESTORE_DEVICE, QR_RESTORE_IOC_ABI_VERSION, QR_RESTORE_ABI_VERSION },
};

int qr_module_load(const char *module, const char *who)
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

/* 0, or QR_MODULE_ABI_MISMATCH or -1 after printing why. */
static int check_abi(int fd, const char *module, const char *device,
		     const char *who)
{
	for (size_t i = 0; i < sizeof(abis) / sizeof(*abis); i++) {
		uint32_t has = 0;
		bool answered;
		char msg[512];

		if (strcmp(device, abis[i].device))
			continue;
		answered = !ioctl(fd, abis[i].ioc, &has);
		if (!answered && errno != ENOTTY) {
			qr_error("%s: %s: asking the ABI version of module %s: %s",
				 who, device, module, strerror(errno));
			return -1;
		}
		if (qr_abi_compare(module, answered, has, abis[i].version, msg,
				   sizeof(msg)) == QR_ABI_SAME)
			return 0;
		qr_error("%s: %s: %s", who, device, msg);
		return QR_MODULE_ABI_MISMATCH;
	}
	return 0;
}

static int open_checked(const char *module, const char *device,
			const char *who, bool load)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);
	int rc;

	if (fd < 0 && errno == ENOENT && load) {
		if (qr_module_load(module, who))
			return -1;
		fd = open(device, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		qr_error("%s: %s: %s: root only (CAP_SYS_ADMIN), and this runs as uid %u",
			 who, device, strerror(errno), (unsigned int)geteuid());
		return -1;
	}
	if (fd < 0) {
		qr_error("%s: %s: %s", who, device, strerror(errno));
		return -1;
	}
	rc = check_abi(fd, module, device, who);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int qr_module_open(const char *module, const char *device, const char *who)
{
	return open_checked(module, device, who, true);
}

int qr_device_open(const char *module, const char *device, const char *who)
{
	return open_checked(module, device, who, false);
}
