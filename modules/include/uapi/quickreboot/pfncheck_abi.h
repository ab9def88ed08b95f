/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ioctl ABI of /dev/pfncheck, shared by the module and userspace.
 * Fixed-width types only; every struct is a multiple of 8 bytes, with no
 * implicit padding. Every ioctl needs CAP_SYS_ADMIN. Reserved fields and
 * unknown flags must be zero (EINVAL otherwise). PIDs and TIDs are those of
 * the caller's PID namespace.
 *
 * PFNCHECK_IOC_FREEZE	parks every thread of a thread group in the kernel,
 *			at its return-to-user boundary: nothing runs, no signal
 *			is delivered, the parent sees no stop. Errors: ESRCH (no
 *			such process, or it is exiting), EPERM (kernel thread,
 *			init), EDEADLK (the caller's own process), EBUSY (already
 *			frozen, or traced), ETIMEDOUT (a thread did not park in
 *			time: stuck_tid names it; everything is thawed again),
 *			ECANCELED (PFNCHECK_FREEZE_INJECT_HALF: rolled back on
 *			purpose), EINTR (the caller was killed; rolled back).
 * PFNCHECK_IOC_THAW	wakes every parked thread; pins are released.
 *			ENOENT if the process is not frozen, EBUSY if another
 *			open file of the device froze it and has not committed
 *			it (a checkpoint in progress). PFNCHECK_THAW_SET thaws
 *			every process frozen together with it (through the
 *			same open file: one checkpoint, descendants included).
 *
 * A freeze belongs to the open file of /dev/pfncheck that made it: when
 * that file is released (closed by its last holder, or its process dies,
 * e.g. kill -9 of the checkpoint) every process it froze and did not commit
 * is thawed, its pins released. A caller that has written a complete image
 * hands its freezes over with PFNCHECK_IOC_COMMIT: they then stay frozen
 * after the close, until THAW (any opener) or the kexec.
 *
 * SIGKILL: a frozen thread parks where no signal wakes it, SIGKILL
 * included, so a SIGKILL sent to a frozen process stays pending. The
 * module records it: COMMIT refuses a set holding such a process, and
 * STATUS names one, so that the last step before the kexec can refuse:
 * a process killed before the kexec must not come back in the New kernel.
 * Thawed, it dies at once.
 *
 * PFNCHECK_IOC_COMMIT	hands every process frozen through this open file
 *			over to the module (see above); set names them for
 *			THAW. ENOENT (none frozen through this file), ESRCH
 *			(one of them was sent SIGKILL since its freeze:
 *			killed_pid names it; nothing is committed).
 * PFNCHECK_IOC_STATUS	counts the frozen processes, committed or not, and
 *			names one that was sent SIGKILL while frozen
 *			(killed_pid, 0 if none).
 * PFNCHECK_IOC_THREADS	what each parked thread was doing, with what the
 *			kernel's system-call restart rules need.
 * PFNCHECK_IOC_PFNMAP	the memory map of a frozen process and the frame of
 *			each present page; the pages stay pinned until thaw.
 * PFNCHECK_IOC_REGSET	a parked thread's registers in the layout of
 *			PTRACE_GETREGSET (NT_PRSTATUS: struct user_regs_struct;
 *			NT_X86_XSTATE: the XSAVE area), which ptrace cannot
 *			give for a frozen thread. Each thread captures its own
 *			as it parks, when its FPU state is still its own.
 *			ENOENT (not frozen, or no such parked thread), EINVAL
 *			(another note type), ENODATA (capture failed when it
 *			parked: out of memory), ENOSPC (size: what is needed).
 * PFNCHECK_IOC_SIGSTATE	a parked thread's signal state and its process's,
 *			which no user ABI gives for another process: the
 *			actions as rt_sigaction(2) reports them, the
 *			interval timers as getitimer(2), the sigaltstack as
 *			sigaltstack(2) (as the thread would see it at its
 *			parked stack pointer), the signal mask, and the
 *			pending signals as siginfo_t (what rt_sigqueueinfo(2)
 *			and rt_tgsigqueueinfo(2) take to queue them again):
 *			the thread's own, then the process's shared ones,
 *			oldest first. Read under the process's signal lock
 *			at the time of the call: a frozen process changes
 *			none of it, only a signal sent to it meanwhile adds
 *			to the pending ones. SIGKILL and SIGSTOP are not
 *			listed as pending (a process with SIGKILL pending is
 *			dying; job control stops are not carried). ENOENT
 *			(not frozen, or no such parked thread), ESRCH (it
 *			has no signal handlers any more: exiting), ENOSPC
 *			(nr_pending + nr_shared: what is needed). With them,
 *			what prctl(2) and membarrier(2) set and only the
 *			process itself may read: the thread's parent-death
 *			signal, whether the process is a child subreaper,
 *			and the membarrier commands its memory registered.
 * PFNCHECK_IOC_TIMERS	a frozen process's POSIX timers (timer_create(2)):
 *			id, clock, how it notifies (sigev_notify, signal,
 *			value, thread), and, for the clocks whose timers are
 *			hrtimers (REALTIME, MONOTONIC, BOOTTIME, TAI), its
 *			time left and interval as timer_gettime(2) would
 *			give them (a periodic timer past its expiry is moved
 *			on, as the kernel does when asked). ENOENT (not
 *			frozen, or its main thread is not parked), ENOSPC
 *			(nr: what is needed).
 * PFNCHECK_IOC_FDSTATE	what no user ABI reads of an open file, given as an
 *			fd of the caller's (a duplicate of a kept process's,
 *			pidfd_getfd(2)); the process need not be frozen.
 *			PFNCHECK_FD_INOTIFY_NEXT_WD: the wd an inotify
 *			group's next watch gets unless it is taken (the
 *			counter idr_alloc_cyclic() starts from, at least 1).
 *			PFNCHECK_FD_RQUEUE_COUNT: the messages (buffers)
 *			queued to read on a socket. EBADF (fd), EINVAL
 *			(what unknown, reserved not 0, or the file is not
 *			of what's kind).
 * PFNCHECK_IOC_SEMUNDO	a frozen process's System V semaphore adjustments:
 *			what semop(2) with SEM_UNDO recorded for the kernel
 *			to undo at its exit, which no user ABI shows. Each
 *			non-zero one as (semid, semnum, adj); a set with
 *			none is only counted (nr_sets). shared_outside: how
 *			many tasks outside the process hold the same list
 *			(clone(CLONE_SYSVSEM)). semnum may run past the
 *			set's size by a few entries of the allocation's
 *			slack, always 0 unless the layout is misread: the
 *			caller checks it against the set. ENOENT (not
 *			frozen, or its main thread is not parked), ENOSPC
 *			(nr: what is needed), EPROTO (the kernel's private
 *			struct sem_undo is not laid out as the module reads
 *			it), EFBIG (an entry allocated by vmalloc: a set too
 *			large to bound).
 * PFNCHECK_IOC_SOCKLOCKS	whether a socket's send and receive buffer sizes were
 *			set (SO_SNDBUF, SO_RCVBUF and their FORCE forms), which
 *			stops the kernel's autotuning of them: the socket's
 *			SOCK_SNDBUF_LOCK and SOCK_RCVBUF_LOCK (sk_userlocks),
 *			which no user ABI shows, as PFNCHECK_SOCKLOCK_* bits.
 *			Given as an fd of the caller's, like FDSTATE. With
 *			PFNCHECK_SOCKLOCKS_SET, the two locks are made exactly
 *			locks first (restore: the buffers it forced to write
 *			a connection's queues back are the kernel's again),
 *			and locks says them after. EBADF (fd), ENOTSOCK (not
 *			a socket), EINVAL (flags, locks or reserved).
 * PFNCHECK_IOC_EVACUATE	moves the anonymous pages of the frozen processes
 *			out of the given frame ranges (those the New kernel
 *			runs in, where zero copy could not keep them), by the
 *			kernel's page migration, before their PFN maps pin
 *			them: each 2 MiB pageblock of the ranges that holds
 *			such pages is emptied and allocated until all are done
 *			(so that no page migrates into one already emptied),
 *			and so is each wholly free one, then all are freed. A
 *			pageblock holding a page that cannot migrate (a kernel
 *			page) is left as it is: its process pages stay, to be
 *			copied. A transparent huge page moves whole when a
 *			free 2 MiB frame is found for it, else split. Processes
 *			whose PFN map is built already are left alone (their
 *			pages are pinned). EINVAL (flags, reserved, ranges
 *			empty, over PFNCHECK_MAX_RANGES, or not ascending and
 *			disjoint), EINTR (killed; what moved stays moved).
 *
 * PFNCHECK_IOC_ABI_VERSION	the module's PFNCHECK_ABI_VERSION, written to the
 *			__u32 at the argument. Number 0, same argument, no
 *			capability needed, in every build of the module
 *			forever: the quickreboot command asks it before any
 *			other ioctl and refuses a module of another version.
 *			A module older than this ioctl answers ENOTTY.
 *
 * THREADS and PFNMAP fill caller-supplied arrays; when one is too small they
 * fail with ENOSPC and still report the counts needed (nr_*), so that the
 * caller can retry with enough room. The PFN map is built (and its pages
 * pinned) once, at the first PFNMAP of a freeze; later calls return the same
 * map.
 */
#ifndef PFNCHECK_ABI_H
#define PFNCHECK_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include "abi_assert.h"

#define PFNCHECK_DEVICE		"/dev/pfncheck"
/* Any change to the ioctls or their structs below adds 1. */
#define PFNCHECK_ABI_VERSION	7

/* pfncheck_freeze.flags */
#define PFNCHECK_FREEZE_INJECT_HALF	(1U << 0) /* test: fail after half parked */
#define PFNCHECK_FREEZE_FLAGS		PFNCHECK_FREEZE_INJECT_HALF

struct pfncheck_freeze {
	__s32 pid;		/* in: thread-group ID */
	__u32 flags;		/* in: PFNCHECK_FREEZE_* */
	__u32 timeout_ms;	/* in: 0 = the module's freeze_timeout_ms */
	__u32 nr_threads;	/* out: threads parked */
	__s32 stuck_tid;	/* out, with ETIMEDOUT: a thread that did not park */
	__u32 reserved;		/* must be 0 */
	__u64 elapsed_ns;	/* out: time the freeze took */
};
QR_ABI_SIZE(pfncheck_freeze, 32);
QR_ABI_OFFSET(pfncheck_freeze, flags, 4);
QR_ABI_OFFSET(pfncheck_freeze, timeout_ms, 8);
QR_ABI_OFFSET(pfncheck_freeze, nr_threads, 12);
QR_ABI_OFFSET(pfncheck_freeze, stuck_tid, 16);
QR_ABI_OFFSET(pfncheck_freeze, reserved, 20);
QR_ABI_OFFSET(pfncheck_freeze, elapsed_ns, 24);

/* pfncheck_thaw.flags */
#define PFNCHECK_THAW_SET	(1U << 0) /* every process frozen with pid */
#define PFNCHECK_THAW_FLAGS	PFNCHECK_THAW_SET

struct pfncheck_thaw {
	__s32 pid;		/* in: thread-group ID */
	__u32 flags;		/* in: PFNCHECK_THAW_* */
	__u32 nr_threads;	/* out: threads woken */
	__u32 reserved;		/* must be 0 */
	__u64 elapsed_ns;	/* out: time the thaw took */
	__u64 frozen_ns;	/* out: how long the process was frozen */
	__u32 nr_procs;		/* out: processes thawed (more with THAW_SET) */
	__u32 reserved2;	/* must be 0 */
};
QR_ABI_SIZE(pfncheck_thaw, 40);
QR_ABI_OFFSET(pfncheck_thaw, flags, 4);
QR_ABI_OFFSET(pfncheck_thaw, nr_threads, 8);
QR_ABI_OFFSET(pfncheck_thaw, reserved, 12);
QR_ABI_OFFSET(pfncheck_thaw, elapsed_ns, 16);
QR_ABI_OFFSET(pfncheck_thaw, frozen_ns, 24);
QR_ABI_OFFSET(pfncheck_thaw, nr_procs, 32);
QR_ABI_OFFSET(pfncheck_thaw, reserved2, 36);

struct pfncheck_commit {
	__u32 flags;		/* in: must be 0 */
	__u32 nr_procs;		/* out: processes committed */
	__s32 killed_pid;	/* out, with ESRCH: one sent SIGKILL while frozen */
	__u32 reserved;		/* must be 0 */
	__u64 set;		/* out: the set's number, as the kernel log says */
};
QR_ABI_SIZE(pfncheck_commit, 24);
QR_ABI_OFFSET(pfncheck_commit, nr_procs, 4);
QR_ABI_OFFSET(pfncheck_commit, killed_pid, 8);
QR_ABI_OFFSET(pfncheck_commit, reserved, 12);
QR_ABI_OFFSET(pfncheck_commit, set, 16);

struct pfncheck_status {
	__u32 flags;		/* in: must be 0 */
	__u32 nr_frozen;	/* out: processes frozen */
	__u32 nr_committed;	/* out: of them, committed */
	__u32 nr_killed;	/* out: of them, sent SIGKILL while frozen */
	__s32 killed_pid;	/* out: one of those, 0 if none */
	__u32 reserved;		/* must be 0 */
};
QR_ABI_SIZE(pfncheck_status, 24);
QR_ABI_OFFSET(pfncheck_status, nr_frozen, 4);
QR_ABI_OFFSET(pfncheck_status, nr_committed, 8);
QR_ABI_OFFSET(pfncheck_status, nr_killed, 12);
QR_ABI_OFFSET(pfncheck_status, killed_pid, 16);
QR_ABI_OFFSET(pfncheck_status, reserved, 20);

/* pfncheck_thread.state */
#define PFNCHECK_THREAD_PARKED	1	/* parked at the return-to-user boundary */
#define PFNCHECK_THREAD_EXITED	2	/* began exiting instead of parking */

/* pfncheck_thread.restart_kind: what restart_block holds */
#define PFNCHECK_RESTART_NONE		0	/* no restart block in use */
#define PFNCHECK_RESTART_NANOSLEEP	1	/* hrtimer nanosleep, clock_nanosleep */
#define PFNCHECK_RESTART_CPU_NANOSLEEP	2	/* clock_nanosleep on a CPU clock */
#define PFNCHECK_RESTART_ALARM_NANOSLEEP 3	/* clock_nanosleep on an alarm clock */
#define PFNCHECK_RESTART_FUTEX		4	/* futex wait with a timeout */
#define PFNCHECK_RESTART_POLL		5	/* poll with a timeout */
#define PFNCHECK_RESTART_OTHER		6	/* see restart_fn */

/* pfncheck_thread.rmtp_type */
#define PFNCHECK_RMTP_NONE	0
#define PFNCHECK_RMTP_NATIVE	1	/* struct __kernel_timespec */
#define PFNCHECK_RMTP_COMPAT	2	/* struct old_timespec32 */

struct pfncheck_thread {
	__s32 tid;
	__u32 state;		/* PFNCHECK_THREAD_* */
	/*
	 * The system call the thread was in (-1: none, it was interrupted in
	 * user mode) and its return register at the time: a -ERESTART* code
	 * (512 ERESTARTSYS, 513 ERESTARTNOINTR, 514 ERESTARTNOHAND, 516
	 * ERESTART_RESTARTBLOCK) means the kernel restarts the call after thaw.
	 */
	__s64 syscall_nr;
	__s64 syscall_ret;
	__u64 ip;		/* user instruction pointer */
	__u64 sp;		/* user stack pointer */
	/* With ERESTART_RESTARTBLOCK: the saved restart_block. */
	__u32 restart_kind;	/* PFNCHECK_RESTART_* */
	__s32 clockid;		/* nanosleep kinds */
	__u64 expires_ns;	/* nanosleep kinds: absolute expiry on clockid */
	__u64 rmtp;		/* nanosleep kinds: user address for the time left */
	__u32 rmtp_type;	/* PFNCHECK_RMTP_* */
	__u32 reserved;
	char restart_fn[48];	/* restart_block.fn, symbol name, for diagnosis */
	/*
	 * Per-thread registrations that no user ABI reads on a thread outside
	 * a ptrace stop: set_tid_address / CLONE_CHILD_CLEARTID, and rseq
	 * (as PTRACE_GET_RSEQ_CONFIGURATION gives it; rseq 0: none).
	 */
	__u64 clear_child_tid;
	__u64 rseq;
	__u32 rseq_len;
	__u32 rseq_sig;
};
QR_ABI_SIZE(pfncheck_thread, 144);
QR_ABI_OFFSET(pfncheck_thread, state, 4);
QR_ABI_OFFSET(pfncheck_thread, syscall_nr, 8);
QR_ABI_OFFSET(pfncheck_thread, syscall_ret, 16);
QR_ABI_OFFSET(pfncheck_thread, ip, 24);
QR_ABI_OFFSET(pfncheck_thread, sp, 32);
QR_ABI_OFFSET(pfncheck_thread, restart_kind, 40);
QR_ABI_OFFSET(pfncheck_thread, clockid, 44);
QR_ABI_OFFSET(pfncheck_thread, expires_ns, 48);
QR_ABI_OFFSET(pfncheck_thread, rmtp, 56);
QR_ABI_OFFSET(pfncheck_thread, rmtp_type, 64);
QR_ABI_OFFSET(pfncheck_thread, reserved, 68);
QR_ABI_OFFSET(pfncheck_thread, restart_fn, 72);
QR_ABI_OFFSET(pfncheck_thread, clear_child_tid, 120);
QR_ABI_OFFSET(pfncheck_thread, rseq, 128);
QR_ABI_OFFSET(pfncheck_thread, rseq_len, 136);
QR_ABI_OFFSET(pfncheck_thread, rseq_sig, 140);

struct pfncheck_threads {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__u32 flags;		/* in: must be 0 */
	__u32 cap;		/* in: room in threads[] */
	__u32 nr;		/* out: threads recorded (needed, with ENOSPC) */
	__u64 threads;		/* in: user address of struct pfncheck_thread[cap] */
};
QR_ABI_SIZE(pfncheck_threads, 24);
QR_ABI_OFFSET(pfncheck_threads, flags, 4);
QR_ABI_OFFSET(pfncheck_threads, cap, 8);
QR_ABI_OFFSET(pfncheck_threads, nr, 12);
QR_ABI_OFFSET(pfncheck_threads, threads, 16);

/* pfncheck_vma.flags */
#define PFNCHECK_VMA_READ	(1U << 0)
#define PFNCHECK_VMA_WRITE	(1U << 1)
#define PFNCHECK_VMA_EXEC	(1U << 2)
#define PFNCHECK_VMA_SHARED	(1U << 3)	/* MAP_SHARED */
#define PFNCHECK_VMA_ANON	(1U << 4)	/* no file behind it */
#define PFNCHECK_VMA_FILE	(1U << 5)	/* a file behind it (pgoff applies) */
#define PFNCHECK_VMA_SPECIAL	(1U << 6)	/* PFN/IO mapping: no pages recorded */
#define PFNCHECK_VMA_STACK	(1U << 7)	/* holds the main thread's stack */
#define PFNCHECK_VMA_HEAP	(1U << 8)	/* holds the brk heap */
#define PFNCHECK_VMA_GROWSDOWN	(1U << 9)
#define PFNCHECK_VMA_LOCKED	(1U << 10)	/* mlock */

struct pfncheck_vma {
	__u64 start;		/* first byte */
	__u64 end;		/* first byte after */
	__u64 pgoff;		/* in pages: file offset, or start >> 12 if anon */
	__u64 vm_flags;		/* raw kernel vm_flags, for diagnosis only */
	__u64 first_page;	/* index of its first entry in pages[] */
	__u64 nr_pages;		/* present pages recorded */
	__u32 flags;		/* PFNCHECK_VMA_* */
	__u32 reserved;
};
QR_ABI_SIZE(pfncheck_vma, 56);
QR_ABI_OFFSET(pfncheck_vma, end, 8);
QR_ABI_OFFSET(pfncheck_vma, pgoff, 16);
QR_ABI_OFFSET(pfncheck_vma, vm_flags, 24);
QR_ABI_OFFSET(pfncheck_vma, first_page, 32);
QR_ABI_OFFSET(pfncheck_vma, nr_pages, 40);
QR_ABI_OFFSET(pfncheck_vma, flags, 48);
QR_ABI_OFFSET(pfncheck_vma, reserved, 52);

/* pfncheck_page.flags */
#define PFNCHECK_PAGE_PINNED	(1U << 0)	/* FOLL_PIN held until thaw */
/*
 * Present but shared copy-on-write with another process (after fork): the
 * kernel pins only exclusive anonymous pages, so this one is held by a
 * reference (it cannot be freed or migrated) and not pinned.
 */
#define PFNCHECK_PAGE_HELD	(1U << 1)
#define PFNCHECK_PAGE_ZERO	(1U << 2)	/* the shared zero page */
#define PFNCHECK_PAGE_COMPOUND	(1U << 3)	/* part of a large folio/THP */
#define PFNCHECK_PAGE_ANON	(1U << 4)	/* an anonymous page */

struct pfncheck_page {
	__u64 addr;		/* user virtual address */
	__u64 pfn;		/* physical frame number */
	__u32 flags;		/* PFNCHECK_PAGE_* */
	__u32 reserved;
};
QR_ABI_SIZE(pfncheck_page, 24);
QR_ABI_OFFSET(pfncheck_page, pfn, 8);
QR_ABI_OFFSET(pfncheck_page, flags, 16);
QR_ABI_OFFSET(pfncheck_page, reserved, 20);

struct pfncheck_pfnmap {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__u32 flags;		/* in: must be 0 */
	__u32 vmas_cap;		/* in: room in vmas[] */
	__u32 nr_vmas;		/* out: VMAs (needed, with ENOSPC) */
	__u64 pages_cap;	/* in: room in pages[] */
	__u64 nr_pages;		/* out: present pages (needed, with ENOSPC) */
	__u64 vmas;		/* in: user address of struct pfncheck_vma[] */
	__u64 pages;		/* in: user address of struct pfncheck_page[] */
	__u64 nr_pinned;	/* out: pages with PFNCHECK_PAGE_PINNED */
	__u64 nr_held;		/* out: pages with PFNCHECK_PAGE_HELD */
	__u64 elapsed_ns;	/* out: time to build the map (first call) */
};
QR_ABI_SIZE(pfncheck_pfnmap, 72);
QR_ABI_OFFSET(pfncheck_pfnmap, flags, 4);
QR_ABI_OFFSET(pfncheck_pfnmap, vmas_cap, 8);
QR_ABI_OFFSET(pfncheck_pfnmap, nr_vmas, 12);
QR_ABI_OFFSET(pfncheck_pfnmap, pages_cap, 16);
QR_ABI_OFFSET(pfncheck_pfnmap, nr_pages, 24);
QR_ABI_OFFSET(pfncheck_pfnmap, vmas, 32);
QR_ABI_OFFSET(pfncheck_pfnmap, pages, 40);
QR_ABI_OFFSET(pfncheck_pfnmap, nr_pinned, 48);
QR_ABI_OFFSET(pfncheck_pfnmap, nr_held, 56);
QR_ABI_OFFSET(pfncheck_pfnmap, elapsed_ns, 64);

/* pfncheck_regset.note_type: the NT_* values of <linux/elf.h> */
#define PFNCHECK_NT_PRSTATUS	1
#define PFNCHECK_NT_X86_XSTATE	0x202

struct pfncheck_regset {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__s32 tid;		/* in: one of its parked threads */
	__u32 note_type;	/* in: PFNCHECK_NT_* */
	__u32 size;		/* in: room in buf; out: bytes (needed, with ENOSPC) */
	__u64 buf;		/* in: user address */
};
QR_ABI_SIZE(pfncheck_regset, 24);
QR_ABI_OFFSET(pfncheck_regset, tid, 4);
QR_ABI_OFFSET(pfncheck_regset, note_type, 8);
QR_ABI_OFFSET(pfncheck_regset, size, 12);
QR_ABI_OFFSET(pfncheck_regset, buf, 16);

#define PFNCHECK_NSIG		64	/* signals 1..64 on x86-64 */
#define PFNCHECK_MAX_PENDING	65536	/* most pending_cap taken */

/* struct sigaction as the x86-64 rt_sigaction system call takes it. */
struct pfncheck_sigaction {
	__u64 handler;		/* 0 SIG_DFL, 1 SIG_IGN, else a user address */
	__u64 flags;		/* SA_* */
	__u64 restorer;
	__u64 mask;		/* bit N-1: signal N */
};
QR_ABI_SIZE(pfncheck_sigaction, 32);
QR_ABI_OFFSET(pfncheck_sigaction, flags, 8);
QR_ABI_OFFSET(pfncheck_sigaction, restorer, 16);
QR_ABI_OFFSET(pfncheck_sigaction, mask, 24);

/* struct itimerval of getitimer(2) on x86-64. */
struct pfncheck_itimerval {
	__s64 interval_sec, interval_usec;
	__s64 value_sec, value_usec;	/* time left; 0: disarmed */
};
QR_ABI_SIZE(pfncheck_itimerval, 32);
QR_ABI_OFFSET(pfncheck_itimerval, interval_usec, 8);
QR_ABI_OFFSET(pfncheck_itimerval, value_sec, 16);
QR_ABI_OFFSET(pfncheck_itimerval, value_usec, 24);

/* siginfo_t of the user ABI. */
struct pfncheck_siginfo {
	__u8 bytes[128];
};
QR_ABI_SIZE(pfncheck_siginfo, 128);

struct pfncheck_sigstate {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__s32 tid;		/* in: one of its parked threads */
	__u32 flags;		/* in: must be 0 */
	__u32 pending_cap;	/* in: room in pending[] */
	__u32 nr_pending;	/* out: the thread's own pending signals */
	__u32 nr_shared;	/* out: the process's, after them in pending[] */
	__u64 pending;		/* in: user address of struct pfncheck_siginfo[] */
	/* in: user address of pfncheck_sigaction[PFNCHECK_NSIG], signal N at N-1 */
	__u64 actions;
	__u64 blocked;		/* out: the thread's signal mask */
	__u64 ss_sp;		/* out: sigaltstack */
	__u64 ss_size;
	__s32 ss_flags;		/* out: SS_ONSTACK, SS_DISABLE, SS_AUTODISARM */
	__u32 reserved;		/* must be 0 */
	/* out: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF */
	struct pfncheck_itimerval itimers[3];
	__s32 pdeath_signal;	/* out: PR_GET_PDEATHSIG, the thread's */
	__u32 child_subreaper;	/* out: PR_GET_CHILD_SUBREAPER: 0 or 1 */
	/* out: the MEMBARRIER_CMD_REGISTER_* commands its memory took */
	__u32 membarrier;
	__u32 reserved2;	/* must be 0 */
};
QR_ABI_SIZE(pfncheck_sigstate, 184);
QR_ABI_OFFSET(pfncheck_sigstate, tid, 4);
QR_ABI_OFFSET(pfncheck_sigstate, flags, 8);
QR_ABI_OFFSET(pfncheck_sigstate, pending_cap, 12);
QR_ABI_OFFSET(pfncheck_sigstate, nr_pending, 16);
QR_ABI_OFFSET(pfncheck_sigstate, nr_shared, 20);
QR_ABI_OFFSET(pfncheck_sigstate, pending, 24);
QR_ABI_OFFSET(pfncheck_sigstate, actions, 32);
QR_ABI_OFFSET(pfncheck_sigstate, blocked, 40);
QR_ABI_OFFSET(pfncheck_sigstate, ss_sp, 48);
QR_ABI_OFFSET(pfncheck_sigstate, ss_size, 56);
QR_ABI_OFFSET(pfncheck_sigstate, ss_flags, 64);
QR_ABI_OFFSET(pfncheck_sigstate, reserved, 68);
QR_ABI_OFFSET(pfncheck_sigstate, itimers, 72);
QR_ABI_OFFSET(pfncheck_sigstate, pdeath_signal, 168);
QR_ABI_OFFSET(pfncheck_sigstate, child_subreaper, 172);
QR_ABI_OFFSET(pfncheck_sigstate, membarrier, 176);

#define PFNCHECK_MAX_TIMERS	65536	/* most timers_cap taken */

/* One POSIX timer. */
struct pfncheck_timer {
	__s32 id;
	__s32 clock;		/* clockid_t */
	__s32 notify;		/* sigev_notify: SIGEV_SIGNAL, _NONE, _THREAD_ID */
	__s32 signo;
	__s32 tid;		/* the thread SIGEV_THREAD_ID names, else 0 */
	__u32 hrtimer;		/* 1: value_ns and interval_ns were read */
	__u64 sigev_value;
	__u64 value_ns;		/* time left; 0: disarmed */
	__u64 interval_ns;
};
QR_ABI_SIZE(pfncheck_timer, 48);
QR_ABI_OFFSET(pfncheck_timer, sigev_value, 24);
QR_ABI_OFFSET(pfncheck_timer, value_ns, 32);

struct pfncheck_timers {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__u32 flags;		/* in: must be 0 */
	__u32 cap;		/* in: room in timers[] */
	__u32 nr;		/* out: how many it has */
	__u64 timers;		/* in: user address of pfncheck_timer[] */
	__s32 next_id;		/* out: the id timer_create(2) tries next */
	__u32 reserved;		/* must be 0 */
};
QR_ABI_SIZE(pfncheck_timers, 32);
QR_ABI_OFFSET(pfncheck_timers, nr, 12);
QR_ABI_OFFSET(pfncheck_timers, timers, 16);
QR_ABI_OFFSET(pfncheck_timers, next_id, 24);

/* pfncheck_fdstate.what */
#define PFNCHECK_FD_INOTIFY_NEXT_WD	1
#define PFNCHECK_FD_RQUEUE_COUNT	2

struct pfncheck_fdstate {
	__s32 fd;		/* in: the caller's fd of the file */
	__u32 what;		/* in: PFNCHECK_FD_* */
	__u64 value;		/* out */
	__u32 reserved;		/* must be 0 */
	__u32 reserved2;	/* must be 0 */
};
QR_ABI_SIZE(pfncheck_fdstate, 24);
QR_ABI_OFFSET(pfncheck_fdstate, what, 4);
QR_ABI_OFFSET(pfncheck_fdstate, value, 8);
QR_ABI_OFFSET(pfncheck_fdstate, reserved, 16);
#define PFNCHECK_MAX_SEMADJ	65536	/* most semundo cap taken, and semnum read */

/* One SEM_UNDO adjustment: the kernel adds adj to the semaphore at exit. */
struct pfncheck_semadj {
	__s32 semid;
	__u16 semnum;
	__s16 adj;
};
QR_ABI_SIZE(pfncheck_semadj, 8);
QR_ABI_OFFSET(pfncheck_semadj, semnum, 4);
QR_ABI_OFFSET(pfncheck_semadj, adj, 6);

struct pfncheck_semundo {
	__s32 pid;		/* in: thread-group ID of a frozen process */
	__u32 flags;		/* in: must be 0 */
	__u32 cap;		/* in: room in adjs[] */
	__u32 nr;		/* out: non-zero adjustments (needed, with ENOSPC) */
	__u64 adjs;		/* in: user address of pfncheck_semadj[] */
	__u32 nr_sets;		/* out: sets its undo list names */
	__u32 shared_outside;	/* out: tasks of other processes sharing it */
	__u32 reserved;		/* must be 0 */
	__u32 reserved2;	/* must be 0 */
};
QR_ABI_SIZE(pfncheck_semundo, 40);
QR_ABI_OFFSET(pfncheck_semundo, nr, 12);
QR_ABI_OFFSET(pfncheck_semundo, adjs, 16);
QR_ABI_OFFSET(pfncheck_semundo, nr_sets, 24);
QR_ABI_OFFSET(pfncheck_semundo, shared_outside, 28);
QR_ABI_OFFSET(pfncheck_semundo, reserved, 32);

/* pfncheck_socklocks.flags */
#define PFNCHECK_SOCKLOCKS_SET		(1U << 0)
#define PFNCHECK_SOCKLOCKS_FLAGS	PFNCHECK_SOCKLOCKS_SET
/* pfncheck_socklocks.locks */
#define PFNCHECK_SOCKLOCK_SNDBUF	(1U << 0)
#define PFNCHECK_SOCKLOCK_RCVBUF	(1U << 1)
#define PFNCHECK_SOCKLOCKS		(PFNCHECK_SOCKLOCK_SNDBUF | \
					 PFNCHECK_SOCKLOCK_RCVBUF)

struct pfncheck_socklocks {
	__s32 fd;		/* in: the caller's fd of the socket */
	__u32 flags;		/* in: PFNCHECK_SOCKLOCKS_* */
	__u32 locks;		/* in with SET, out: PFNCHECK_SOCKLOCK_* */
	__u32 reserved;		/* must be 0 */
};
QR_ABI_SIZE(pfncheck_socklocks, 16);
QR_ABI_OFFSET(pfncheck_socklocks, flags, 4);
QR_ABI_OFFSET(pfncheck_socklocks, locks, 8);
QR_ABI_OFFSET(pfncheck_socklocks, reserved, 12);

#define PFNCHECK_MAX_RANGES	64

/* Frames [start_pfn, end_pfn). */
struct pfncheck_range {
	__u64 start_pfn;
	__u64 end_pfn;
};
QR_ABI_SIZE(pfncheck_range, 16);
QR_ABI_OFFSET(pfncheck_range, end_pfn, 8);

struct pfncheck_evacuate {
	__u32 flags;		/* in: must be 0 */
	__u32 nr_ranges;	/* in: entries in ranges[], 1..PFNCHECK_MAX_RANGES */
	__u64 ranges;		/* in: user address of struct pfncheck_range[] */
	__u64 nr_found;		/* out: anonymous pages in the ranges before */
	__u64 nr_left;		/* out: those still in the ranges after */
	__u32 nr_emptied;	/* out: pageblocks whose pages were moved out */
	__u32 nr_busy;		/* out: pageblocks holding the pages left */
	__u32 nr_free;		/* out: free pageblocks held while moving */
	__u32 rounds;		/* out: passes (moved pages can land in the ranges) */
	__u64 elapsed_ns;	/* out: time it took */
};
QR_ABI_SIZE(pfncheck_evacuate, 56);
QR_ABI_OFFSET(pfncheck_evacuate, nr_ranges, 4);
QR_ABI_OFFSET(pfncheck_evacuate, ranges, 8);
QR_ABI_OFFSET(pfncheck_evacuate, nr_found, 16);
QR_ABI_OFFSET(pfncheck_evacuate, nr_left, 24);
QR_ABI_OFFSET(pfncheck_evacuate, nr_emptied, 32);
QR_ABI_OFFSET(pfncheck_evacuate, nr_busy, 36);
QR_ABI_OFFSET(pfncheck_evacuate, nr_free, 40);
QR_ABI_OFFSET(pfncheck_evacuate, rounds, 44);
QR_ABI_OFFSET(pfncheck_evacuate, elapsed_ns, 48);

#define PFNCHECK_IOC_MAGIC	0xE7	/* unused in ioctl-number.rst (6.12) */
/* Never changes: see PFNCHECK_IOC_ABI_VERSION above. */
#define PFNCHECK_IOC_ABI_VERSION _IOR(PFNCHECK_IOC_MAGIC, 0, __u32)
#define PFNCHECK_IOC_FREEZE	_IOWR(PFNCHECK_IOC_MAGIC, 1, struct pfncheck_freeze)
#define PFNCHECK_IOC_THAW	_IOWR(PFNCHECK_IOC_MAGIC, 2, struct pfncheck_thaw)
#define PFNCHECK_IOC_THREADS	_IOWR(PFNCHECK_IOC_MAGIC, 3, struct pfncheck_threads)
#define PFNCHECK_IOC_PFNMAP	_IOWR(PFNCHECK_IOC_MAGIC, 4, struct pfncheck_pfnmap)
#define PFNCHECK_IOC_REGSET	_IOWR(PFNCHECK_IOC_MAGIC, 5, struct pfncheck_regset)
#define PFNCHECK_IOC_SIGSTATE	_IOWR(PFNCHECK_IOC_MAGIC, 6, struct pfncheck_sigstate)
#define PFNCHECK_IOC_EVACUATE	_IOWR(PFNCHECK_IOC_MAGIC, 7, struct pfncheck_evacuate)
#define PFNCHECK_IOC_COMMIT	_IOWR(PFNCHECK_IOC_MAGIC, 10, struct pfncheck_commit)
#define PFNCHECK_IOC_STATUS	_IOWR(PFNCHECK_IOC_MAGIC, 11, struct pfncheck_status)
#define PFNCHECK_IOC_TIMERS	_IOWR(PFNCHECK_IOC_MAGIC, 12, struct pfncheck_timers)
#define PFNCHECK_IOC_FDSTATE	_IOWR(PFNCHECK_IOC_MAGIC, 13, struct pfncheck_fdstate)
#define PFNCHECK_IOC_SEMUNDO	_IOWR(PFNCHECK_IOC_MAGIC, 14, struct pfncheck_semundo)
#define PFNCHECK_IOC_SOCKLOCKS	_IOWR(PFNCHECK_IOC_MAGIC, 17, struct pfncheck_socklocks)

#endif
