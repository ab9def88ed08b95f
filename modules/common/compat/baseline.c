// SPDX-License-Identifier: GPL-2.0
/* Must always compile: proves that the headers themselves work. */
#include <linux/module.h>
