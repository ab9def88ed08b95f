// SPDX-License-Identifier: GPL-2.0
/*
 * Zero copy or copy mode, decided once at load. Zero copy calls kernel
 * functions that are not exported. A kernel built with IBT seals such
 * functions (their ENDBR is overwritten at boot) where the CPU enforces
 * IBT: an indirect call to them would trap. The module calls them as static
 * calls, direct branches that IBT does not check (ksyms.c), but that has not
 * run on a CPU enforcing IBT yet: there, as when asked (force_copy=1) or
 * when a function is not found, copy mode, which uses exported functions
 * only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/cpufeature.h>

#include "restore.h"

u32 rs_mode;
const char *rs_copy_reason = "";
static char reason[96];

/* The kernel runs with IBT enforced (the CPU has it and it was not disabled). */
static bool ibt_enforced(void)
{
#ifdef X86_FEATURE_IBT
	return cpu_feature_enabled(X86_FEATURE_IBT);
#else
	return false;
#endif
}

void rs_choose_mode(bool force_copy)
{
	const char *missing;

	rs_mode = QR_MODE_COPY;
	if (force_copy) {
		rs_copy_reason = "force_copy=1";
	} else if (ibt_enforced()) {
		rs_copy_reason = "IBT enforced: zero copy not verified under IBT";
	} else if (rs_resolve_mm_ops(&missing)) {
		snprintf(reason, sizeof(reason), "kernel function %s not found",
			 missing);
		rs_copy_reason = reason;
	} else {
		rs_mode = QR_MODE_ZERO_COPY;
		rs_copy_reason = "";
	}
	if (rs_mode == QR_MODE_ZERO_COPY)
		pr_info("mode: zero copy\n");
	else
		pr_info("mode: copy (%s)\n", rs_copy_reason);
}
