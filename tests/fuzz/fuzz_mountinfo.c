/* Fuzzes the mountinfo parser (checkpoint/mountinfo.c) and the plan of
 * each mount it accepts (checkpoint/mntns_plan.c), the input serving as
 * both the namespace's view and init's: no crash, every accepted mount
 * has absolute paths, and a plan is a known kind with a host path when
 * it binds. */
#include <stdlib.h>
#include <string.h>

#include "checkpoint/mntns_plan.h"
#include "image/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_mounts ms;
	struct qr_err e;

	if (qr_mountinfo_parse((const char *)data, size, &ms, &e)) {
		if (!memchr(e.msg, '\0', sizeof(e.msg)) || ms.n || ms.m)
			abort();
		return 0;
	}
	for (size_t i = 0; i < ms.n; i++) {
		struct qr_mnt_plan p;
		char why[QR_MNT_WHY_MAX];

		if (ms.m[i].root[0] != '/' || ms.m[i].point[0] != '/' ||
		    !ms.m[i].fstype[0])
			abort();
		if (qr_mntns_plan(&ms, &ms, i, &p, why)) {
			if (!memchr(why, '\0', sizeof(why)))
				abort();
			continue;
		}
		if (!p.how || p.how > QRI_MNT_HOW_MAX ||
		    p.propagation & ~QRI_MNT_PROP_KNOWN ||
		    ((p.how == QRI_MNT_BIND || p.how == QRI_MNT_DIR) && p.host[0] != '/'))
			abort();
	}
	qr_mounts_free(&ms);
	return 0;
}
