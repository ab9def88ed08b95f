/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI version a module answers (its ABI_VERSION ioctl and the read-only
 * parameter /sys/module/NAME/parameters/abi_version): the one of its uapi
 * header, unless the module was built for the test of the version check,
 * "make QR_ABI_BUMP=N", which adds N (the quickreboot command must refuse
 * such a module).
 */
#ifndef QR_ABI_H
#define QR_ABI_H

#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#ifdef QR_ABI_BUMP
#define QR_ABI_ANSWER(version)	((version) + (QR_ABI_BUMP))
#else
#define QR_ABI_ANSWER(version)	(version)
#endif

/* kernel_param_ops of a read-only u32 parameter that loading cannot set. */
static inline int qr_abi_param_set(const char *val,
				   const struct kernel_param *kp)
{
	return -EPERM;
}

static inline int qr_abi_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", *(const u32 *)kp->arg);
}

#endif
