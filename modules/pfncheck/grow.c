// SPDX-License-Identifier: GPL-2.0
/* Arrays that grow as the PFN map and the evacuation fill them. */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pfncheck.h"

int pf_grow(void **arr, u64 nr, u64 *cap, u64 more, size_t size)
{
	u64 want = max3(nr + more, *cap * 2, 256ULL);
	void *n;

	if (nr + more <= *cap)
		return 0;
	n = kvmalloc_array(want, size, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (nr)
		memcpy(n, *arr, nr * size);
	kvfree(*arr);
	*arr = n;
	*cap = want;
	return 0;
}
