// SPDX-License-Identifier: GPL-2.0
/* HAVE_GET_USER_PAGES_REMOTE_NO_VMAS: get_user_pages_remote() takes no vmas array */
#include <linux/mm.h>

static __maybe_unused long probe(struct mm_struct *mm, struct page **pages)
{
	return get_user_pages_remote(mm, 0, 1, 0, pages, NULL);
}
