// SPDX-License-Identifier: GPL-2.0
/* HAVE_CLASS_CREATE_NO_OWNER: class_create() takes only the name */
#include <linux/device.h>

static __maybe_unused struct class *probe(void)
{
	return class_create("probe");
}
