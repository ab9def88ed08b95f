// SPDX-License-Identifier: GPL-2.0
/* quickreboot shelter: block device over the memory region reserved for the checkpoint image. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "qr_compat.h"

static int __init shelter_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit shelter_exit(void)
{
	pr_info("unloaded\n");
}

module_init(shelter_init);
module_exit(shelter_exit);

MODULE_DESCRIPTION("quickreboot shelter: block device over the memory region reserved for the checkpoint image");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
