/* Reading a frozen process's PFN map from pfncheck (checkpoint/zc.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "checkpoint/zc.h"
#include "lib/exit.h"

int qr_zc_read_map(int fd, pid_t pid, struct qr_zc *zc)
{
	struct pfncheck_pfnmap a = { .pid = pid };

	/* The first call builds the map and pins; it fails with ENOSPC
	 * giving the sizes, the second returns the same map. */
	if (!ioctl(fd, PFNCHECK_IOC_PFNMAP, &a) || errno != ENOSPC) {
		qr_error("process %d: PFN map: %s", pid, strerror(errno));
		return -1;
	}
	zc->vmas = calloc(a.nr_vmas + 1, sizeof(*zc->vmas));
	zc->pages = calloc(a.nr_pages + 1, sizeof(*zc->pages));
	if (!zc->vmas || !zc->pages) {
		qr_error("process %d: PFN map: out of memory", pid);
		return -1;
	}
	a.vmas_cap = a.nr_vmas;
	a.pages_cap = a.nr_pages;
	a.vmas = (uintptr_t)zc->vmas;
	a.pages = (uintptr_t)zc->pages;
	if (ioctl(fd, PFNCHECK_IOC_PFNMAP, &a)) {
		qr_error("process %d: PFN map: %s", pid, strerror(errno));
		return -1;
	}
	zc->nvmas = a.nr_vmas;
	zc->npages = a.nr_pages;
	return 0;
}

void qr_zc_free_map(struct qr_zc *zc)
{
	free(zc->vmas);
	free(zc->pages);
	free(zc->inherit);
	zc->inherit = NULL;
	zc->ninherit = zc->inherit_cap = 0;
	zc->vmas = NULL;
	zc->pages = NULL;
	zc->nvmas = 0;
	zc->npages = 0;
}

