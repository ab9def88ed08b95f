/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Build-time checks of the layout of the structs that cross the ioctl ABIs,
 * written in the ABI headers themselves so that the module (kernel C11) and
 * the quickreboot command (C11 userspace) both compile them: a struct that
 * changes size or moves a field breaks the build on either side instead of
 * corrupting memory at run time. Each struct's size and the offset of every
 * field after the first are asserted: no implicit padding can hide between
 * or after the fields.
 */
#ifndef QR_ABI_ASSERT_H
#define QR_ABI_ASSERT_H

#ifdef __cplusplus
#define QR_ABI_ASSERT(expr)	static_assert(expr, #expr)
#else
#define QR_ABI_ASSERT(expr)	_Static_assert(expr, #expr)
#endif

/* struct TYPE is SIZE bytes. */
#define QR_ABI_SIZE(type, size)	QR_ABI_ASSERT(sizeof(struct type) == (size))
/* FIELD of struct TYPE is at byte OFF. */
#define QR_ABI_OFFSET(type, field, off) \
	QR_ABI_ASSERT(__builtin_offsetof(struct type, field) == (off))

#endif
