// SPDX-License-Identifier: GPL-2.0
/*
 * The non-exported kernel functions zero copy needs, found at load time:
 * kallsyms_lookup_name() itself is not exported either, so a kprobe on it
 * gives its address (as LKRG and LTTng do), then it names the others.
 * Only called when IBT is not enforced (ibt.c): the functions found this
 * way may be sealed, and an indirect call to them would trap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/string.h>

#include "restore.h"

struct rs_mm_ops rs_mm;

/* ENDBR64: with IBT built in, a kprobe reports the address after it. */
static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

static typeof(&kallsyms_lookup_name) find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return NULL;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (!addr)
		return NULL;
	if (!memcmp((void *)(addr - sizeof(endbr64)), endbr64,
		    sizeof(endbr64)))
		addr -= sizeof(endbr64);
	return (typeof(&kallsyms_lookup_name))addr;
}

/* Resolves one symbol into a pointer of its declared type. */
#define RS_RESOLVE(lookup, field, sym)					\
	({								\
		unsigned long __a = lookup(__stringify(sym));		\
		rs_mm.field = (typeof(rs_mm.field))__a;			\
		__a ? NULL : __stringify(sym);			\
	})

int rs_resolve_mm_ops(const char **missing)
{
	typeof(&kallsyms_lookup_name) lookup = find_kallsyms_lookup_name();
	const char *miss = NULL;

	if (!lookup) {
		*missing = "kallsyms_lookup_name";
		return -ENOENT;
	}
	miss = miss ?: RS_RESOLVE(lookup, anon_vma_prepare, __anon_vma_prepare);
	miss = miss ?: RS_RESOLVE(lookup, memcg_charge, __mem_cgroup_charge);
	miss = miss ?: RS_RESOLVE(lookup, new_anon_rmap, QR_SYM_NEW_ANON_RMAP);
	miss = miss ?: RS_RESOLVE(lookup, add_lru_vma, folio_add_lru_vma);
	if (miss) {
		memset(&rs_mm, 0, sizeof(rs_mm));
		*missing = miss;
		return -ENOENT;
	}
	return 0;
}
