/* Opening a module's device node, loading the module first (libkmod, which
 * applies modprobe.d options) when the node is not there, and checking that
 * the module speaks this command's ioctl ABI. */
#ifndef QR_MODULE_OPEN_H
#define QR_MODULE_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What qr_module_open() and qr_device_open() return, after printing why,
 * when the module answers another ABI version (any other failure: -1). */
#define QR_MODULE_ABI_MISMATCH (-2)

/* Returns the fd (O_RDWR, close-on-exec), or a negative value after
 * printing why, the message starting with who. /dev/pfncheck and
 * /dev/qr-restore are checked for the ABI version of the uapi header this
 * command was built with. */
int qr_module_open(const char *module, const char *device, const char *who);

/* Loads a module (and what it needs) unless loaded or built in: 0, or -1
 * having printed why, starting with who. */
int qr_module_load(const char *module, const char *who);

/* The same without loading the module: the node must be there. */
int qr_device_open(const char *module, const char *device, const char *who);

enum qr_abi_verdict {
	QR_ABI_SAME,		/* the module speaks the command's ABI */
	QR_ABI_MODULE_OLDER,	/* upgrade quickreboot-dkms, reload it */
	QR_ABI_MODULE_NEWER,	/* upgrade the quickreboot package */
};

/* Pure: compares the version a module answered (answered false: it did not
 * know the ABI_VERSION ioctl, older than any version check) with the one
 * the command wants, and writes into msg what to do when they differ. */
static inline enum qr_abi_verdict qr_abi_compare(const char *module,
						 bool answered, uint32_t has,
						 uint32_t want, char *msg,
						 size_t len)
{
	if (answered && has == want) {
		if (len)
			msg[0] = 0;
		return QR_ABI_SAME;
	}
	if (answered && has > want) {
		snprintf(msg, len,
			 "module %s speaks ABI version %u, this command %u: the command is older than the module: upgrade the quickreboot package",
			 module, has, want);
		return QR_ABI_MODULE_NEWER;
	}
	if (answered)
		snprintf(msg, len,
			 "module %s speaks ABI version %u, this command %u: the module is older than the command: rebuild/upgrade quickreboot-dkms for this kernel, then reload the module (modprobe -r %s)",
			 module, has, want, module);
	else
		snprintf(msg, len,
			 "module %s does not tell its ABI version (this command speaks %u): the module is older than the command: rebuild/upgrade quickreboot-dkms for this kernel, then reload the module (modprobe -r %s)",
			 module, want, module);
	return QR_ABI_MODULE_OLDER;
}

#endif
