/* See fds/fdstate.h. */
#include <errno.h>
#include <sys/ioctl.h>

#include "fds/fdstate.h"
#include "lib/module_open.h"

int qr_fdstate(int fd, uint32_t what, uint64_t *value)
{
	static int dev = -1;
	static int tried;
	struct pfncheck_fdstate q = { .fd = fd, .what = what };

	/* Opened once a run, kept open as the checkpoint keeps its own. */
	if (dev < 0 && !tried++)
		dev = qr_module_open("pfncheck", PFNCHECK_DEVICE, "check");
	if (dev < 0) {
		errno = ENODEV;
		return -1;
	}
	if (ioctl(dev, PFNCHECK_IOC_FDSTATE, &q))
		return -1;
	*value = q.value;
	return 0;
}
