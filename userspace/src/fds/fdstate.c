/* See fds/fdstate.h. */
#include <errno.h>
#include <sys/ioctl.h>

#include "fds/fdstate.h"
#include "lib/module_open.h"

/* /dev/pfncheck, opened once a run and kept open as the checkpoint keeps
 * its own; -1 with errno ENODEV if it cannot be (said, once). */
static int pfncheck(void)
{
	static int dev = -1;
	static int tried;

	if (dev < 0 && !tried++)
		dev = qr_module_open("pfncheck", PFNCHECK_DEVICE, "sockets");
	if (dev < 0)
		errno = ENODEV;
	return dev;
}

int qr_fdstate(int fd, uint32_t what, uint64_t *value)
{
	struct pfncheck_fdstate q = { .fd = fd, .what = what };
	int dev = pfncheck();

	if (dev < 0 || ioctl(dev, PFNCHECK_IOC_FDSTATE, &q))
		return -1;
	*value = q.value;
	return 0;
}

int qr_socklocks(int fd, bool set, uint32_t *locks)
{
	struct pfncheck_socklocks q = {
		.fd = fd, .flags = set ? PFNCHECK_SOCKLOCKS_SET : 0,
		.locks = set ? *locks : 0,
	};
	int dev = pfncheck();

	if (dev < 0 || ioctl(dev, PFNCHECK_IOC_SOCKLOCKS, &q))
		return -1;
	*locks = q.locks;
	return 0;
}
