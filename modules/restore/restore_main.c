// SPDX-License-Identifier: GPL-2.0
/* quickreboot restore: rebuilds processes over their preserved frames in the New kernel. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "qr_compat.h"

static int __init restore_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit restore_exit(void)
{
	pr_info("unloaded\n");
}

module_init(restore_init);
module_exit(restore_exit);

MODULE_DESCRIPTION("quickreboot restore: rebuilds processes over their preserved frames in the New kernel");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
