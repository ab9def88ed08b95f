// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the harness self-test: it warns on load, and a run
 * that loads it must fail.
 */
#include <linux/module.h>

static int __init qr_warn_init(void)
{
	WARN(1, "quickreboot harness self-test: this warning must fail the run\n");
	return 0;
}

static void __exit qr_warn_exit(void)
{
}

module_init(qr_warn_init);
module_exit(qr_warn_exit);

MODULE_DESCRIPTION("quickreboot harness self-test: warns on load");
MODULE_LICENSE("GPL");
