/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The restore module's interface, /dev/qr-restore (root only), used by the
 * quickreboot command in the New kernel. Zero copy: the frames the Old kernel
 * left in place are held aside while the rest of RAM is handed back, then
 * each becomes an anonymous page of the process that owned it. Where zero
 * copy cannot run (IBT enforced, the force_copy parameter, a kernel function
 * not found) the module copies each frame into a fresh page instead and frees
 * the frame: the caller sees the same result through the same calls.
 *
 * QR_RESTORE_IOC_ABI_VERSION writes the module's QR_RESTORE_ABI_VERSION to
 * the __u32 at the argument. Number 0, same argument, no capability needed,
 * in every build of the module forever: the quickreboot command asks it
 * before any other ioctl and refuses a module of another version. A module
 * older than this ioctl answers ENOTTY.
 */
#ifndef QR_RESTORE_ABI_H
#define QR_RESTORE_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include "abi_assert.h"

#define QR_RESTORE_DEVICE	"/dev/qr-restore"
/* Any change to the ioctls or their structs below adds 1. */
#define QR_RESTORE_ABI_VERSION	2

/* A physical address range, bytes: [start, end). */
struct qr_restore_range {
	__u64 start;
	__u64 end;
};
QR_ABI_SIZE(qr_restore_range, 16);
QR_ABI_OFFSET(qr_restore_range, end, 8);

/* qr_restore_handback.bad_reason: why the PFN map was refused */
#define QR_BAD_NONE		0
#define QR_BAD_ORDER		1	/* not strictly ascending: listed twice */
#define QR_BAD_NOT_RAM		2	/* not RAM in the firmware map */
#define QR_BAD_BOOT_AREA	3	/* inside memory this kernel runs in */
#define QR_BAD_KEPT		4	/* inside a range kept for the next boot */
#define QR_BAD_BUSY		5	/* inside a busy resource (the shelter) */
#define QR_BAD_COUNT		6	/* more frames than the RAM ranges hold */
#define QR_BAD_RANGES		7	/* ram[] or keep[] malformed */
#define QR_BAD_SHARED		8	/* in a block shared with a range not RAM */

/*
 * HANDBACK, once per boot: validate the whole PFN map before anything is
 * touched, hold the frames aside, give the New kernel every other page of
 * ram[] that it does not run in, except keep[] (the next boot area) and busy
 * resources. A refused map changes nothing.
 */
struct qr_restore_handback {
	__u32 flags;		/* in: must be 0 */
	__u32 nr_ram;		/* in: entries in ram[] */
	/* in: user address of qr_restore_range[], RAM per the firmware map */
	__u64 ram;		/* (/sys/firmware/memmap) */
	__u32 nr_keep;		/* in: entries in keep[] */
	__u32 reserved;		/* must be 0 */
	__u64 keep;		/* in: user address of qr_restore_range[] */
	__u64 nr_pfns;		/* in: preserved frames */
	__u64 pfns;		/* in: user address of __u64[nr_pfns], ascending */
	__u64 bad_pfn;		/* out, with EINVAL: the offending frame */
	__u32 bad_reason;	/* out, with EINVAL: QR_BAD_* */
	__u32 mode;		/* out: QR_MODE_* that ADOPT will use */
	__u64 added_bytes;	/* out: memory handed back */
	__u64 elapsed_ns;	/* out */
};
QR_ABI_SIZE(qr_restore_handback, 80);
QR_ABI_OFFSET(qr_restore_handback, nr_ram, 4);
QR_ABI_OFFSET(qr_restore_handback, ram, 8);
QR_ABI_OFFSET(qr_restore_handback, nr_keep, 16);
QR_ABI_OFFSET(qr_restore_handback, reserved, 20);
QR_ABI_OFFSET(qr_restore_handback, keep, 24);
QR_ABI_OFFSET(qr_restore_handback, nr_pfns, 32);
QR_ABI_OFFSET(qr_restore_handback, pfns, 40);
QR_ABI_OFFSET(qr_restore_handback, bad_pfn, 48);
QR_ABI_OFFSET(qr_restore_handback, bad_reason, 56);
QR_ABI_OFFSET(qr_restore_handback, mode, 60);
QR_ABI_OFFSET(qr_restore_handback, added_bytes, 64);
QR_ABI_OFFSET(qr_restore_handback, elapsed_ns, 72);

/* qr_restore_handback.mode, qr_restore_adopt.mode */
#define QR_MODE_ZERO_COPY	1	/* frames mapped where they are */
#define QR_MODE_COPY		2	/* frames copied into fresh pages */

/*
 * ADOPT, in the process being restored (current->mm): the frames pfns[i]
 * become the pages at addr + i * 4096, inside one private VMA already
 * mapped there. Each frame must be held and not adopted yet. Nothing may be
 * mapped in the range yet (not even the zero page: EEXIST). Refusals,
 * before any frame moves: EINVAL (arguments, not one private VMA), ENOENT
 * (no HANDBACK, or a frame not handed back), EALREADY (a frame adopted,
 * copied, released or listed twice), EEXIST.
 */
struct qr_restore_adopt {
	__u64 addr;		/* in: page aligned */
	__u64 nr;		/* in: pages */
	__u64 pfns;		/* in: user address of __u64[nr] */
	__u32 flags;		/* in: must be 0 */
	__u32 mode;		/* out: QR_MODE_* used */
	__u64 done;		/* out: pages placed before an error */
};
QR_ABI_SIZE(qr_restore_adopt, 40);
QR_ABI_OFFSET(qr_restore_adopt, nr, 8);
QR_ABI_OFFSET(qr_restore_adopt, pfns, 16);
QR_ABI_OFFSET(qr_restore_adopt, flags, 24);
QR_ABI_OFFSET(qr_restore_adopt, mode, 28);
QR_ABI_OFFSET(qr_restore_adopt, done, 32);

/*
 * RELEASE: frames that no process will take (a process whose restore
 * failed) go to the page allocator. nr 0: every frame still held. Every
 * listed frame must be held (else ENOENT or EALREADY, nothing released).
 */
struct qr_restore_release {
	__u64 nr;		/* in */
	__u64 pfns;		/* in: user address of __u64[nr] */
	__u64 released;		/* out */
};
QR_ABI_SIZE(qr_restore_release, 24);
QR_ABI_OFFSET(qr_restore_release, pfns, 8);
QR_ABI_OFFSET(qr_restore_release, released, 16);

#define QR_RESTORE_IOC_MAGIC	0xE8
/* Never changes: see QR_RESTORE_IOC_ABI_VERSION above. */
#define QR_RESTORE_IOC_ABI_VERSION _IOR(QR_RESTORE_IOC_MAGIC, 0, __u32)
#define QR_RESTORE_IOC_HANDBACK	_IOWR(QR_RESTORE_IOC_MAGIC, 1, struct qr_restore_handback)
#define QR_RESTORE_IOC_ADOPT	_IOWR(QR_RESTORE_IOC_MAGIC, 2, struct qr_restore_adopt)
#define QR_RESTORE_IOC_RELEASE	_IOWR(QR_RESTORE_IOC_MAGIC, 3, struct qr_restore_release)

#endif
