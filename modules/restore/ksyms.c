// SPDX-License-Identifier: GPL-2.0
/*
 * The non-exported kernel functions zero copy needs, found at load time:
 * kallsyms_lookup_name() itself is not exported either, so a kprobe on it
 * gives its address (as LKRG and LTTng do), then it names the others.
 *
 * Each is called through a static call whose type is the kernel's own
 * declaration, so every call is checked at build time, and each call site
 * becomes a direct call (or a direct jump from the trampoline): no indirect
 * branch lands in these functions, which a kernel built with IBT seals.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/static_call.h>
#include <linux/string.h>

#include "restore.h"

DEFINE_STATIC_CALL_NULL(rs_kallsyms_lookup_name, kallsyms_lookup_name);
#define RS_KSYM(name, sym)	DEFINE_STATIC_CALL_NULL(name, sym)
#include "ksyms.h"
#undef RS_KSYM

/* ENDBR64: with IBT built in, a kprobe reports the address after it. */
static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

static unsigned long find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (addr && !memcmp((void *)(addr - sizeof(endbr64)), endbr64,
			    sizeof(endbr64)))
		addr -= sizeof(endbr64);
	return addr;
}

/* Points static call name at sym, or evaluates to sym's name if not found. */
#define RS_RESOLVE(name, sym)						\
	({								\
		unsigned long __a;					\
									\
		__a = static_call(rs_kallsyms_lookup_name)(__stringify(sym)); \
		if (__a)						\
			static_call_update(name, (typeof(&sym))__a);	\
		__a ? NULL : __stringify(sym);				\
	})

int rs_resolve_mm_ops(const char **missing)
{
	unsigned long kln = find_kallsyms_lookup_name();
	const char *miss = NULL;

	if (!kln) {
		*missing = "kallsyms_lookup_name";
		return -ENOENT;
	}
	static_call_update(rs_kallsyms_lookup_name,
			   (typeof(&kallsyms_lookup_name))kln);
	/* Each in turn, until one is missing. */
#define RS_KSYM(name, sym)	(miss = miss ?: RS_RESOLVE(name, sym))
#include "ksyms.h"
#undef RS_KSYM
	if (miss) {
		*missing = miss;
		return -ENOENT;
	}
	return 0;
}
