/* Opening a module's device node, loading the module first (libkmod, which
 * applies modprobe.d options) when the node is not there. */
#ifndef QR_MODULE_OPEN_H
#define QR_MODULE_OPEN_H

/* Returns the fd (O_RDWR, close-on-exec), or -1 after printing why, the
 * message starting with who. */
int qr_module_open(const char *module, const char *device, const char *who);

#endif
