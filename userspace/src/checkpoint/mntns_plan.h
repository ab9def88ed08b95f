/* How restore rebuilds each mount of a kept process's mount namespace,
 * decided from its mountinfo and init's, or why it cannot. Pure. */
#ifndef QR_MNTNS_PLAN_H
#define QR_MNTNS_PLAN_H

#include "checkpoint/mountinfo.h"

#define QR_MNT_WHY_MAX 512

struct qr_mnt_plan {
	uint32_t how;		/* QRI_MNT_BIND ... (image/format.h) */
	uint32_t propagation;	/* QRI_MNT_SHARED | QRI_MNT_SLAVE | ... */
	/* The path in init's namespace to bind from (BIND, DIR); "" else. */
	char host[4096];
};

/* Mount i of ns (a process's view, init's mounts in host): 0 and *p, or
 * -1 with why (QR_MNT_WHY_MAX) saying what cannot be carried. */
int qr_mntns_plan(const struct qr_mounts *ns, const struct qr_mounts *host,
		  size_t i, struct qr_mnt_plan *p, char *why);

#endif
