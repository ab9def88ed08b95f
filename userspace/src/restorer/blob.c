/*
 * The restorer blob: position-independent code copied into a region where
 * the old process had nothing, entered with everything it needs in struct
 * qr_rst_args. It unmaps all else (quickreboot's own code, libc, stack),
 * maps the old process's memory back at its old addresses, creates the
 * other threads with their old TIDs, and each thread ends with its own
 * rt_sigreturn on a frame holding its old registers and FPU state, once
 * every thread is ready; the last one out unmaps the region.
 *
 * Built on its own (see the Makefile): no libc, no stack protector, no
 * jump tables, no calls outside this file, so that the flat binary runs at
 * any address. Every syscall is inline assembly.
 */
#include "image/format.h"
#include "quickreboot/restore_abi.h"
#include "restorer/restorer.h"

#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_rt_sigprocmask 14
#define NR_rt_sigreturn 15
#define NR_ioctl 16
#define NR_pread64 17
#define NR_getpid 39
#define NR_sendto 44
#define NR_clock_gettime 228
#define NR_exit_group 231
#define NR_setresuid 117
#define NR_setresgid 119
#define NR_setfsuid 122
#define NR_setfsgid 123
#define NR_prctl 157
#define NR_arch_prctl 158
#define NR_futex 202
#define NR_set_tid_address 218
#define NR_set_robust_list 273
#define NR_rt_tgsigqueueinfo 297
#define NR_seccomp 317
#define NR_rseq 334
#define NR_clone3 435
#define NR_madvise 28
#define NR_mremap 25
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define NR_shmat 30
#define NR_setgroups 116
#define NR_capget 125
#define NR_capset 126
#define NR_setpriority 141
#define NR_sched_setscheduler 144
#define NR_mlock 149
#define NR_sched_setaffinity 203
#define NR_ioprio_set 251
#define IOPRIO_WHO_PROCESS 1
#define NR_mlock2 325

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define PR_SET_MM 35
#define PR_SET_THP_DISABLE 41
#define PR_SET_MM_MAP 14
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_MAP_VDSO_64 0x2003
#define EINTR 4
#define EINVAL 22
#define PR_CAPBSET_DROP 24
#define PR_SET_SECUREBITS 28
#define PR_SET_TIMERSLACK 29
#define PR_SET_PDEATHSIG 1
#define PR_SET_NO_NEW_PRIVS 38
#define PR_SET_SECCOMP 22
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_SET_MODE_FILTER 1
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define SECBIT_NO_SETUID_FIXUP 0x4
#define CAP_VERSION_3 0x20080522
#define PRIO_PROCESS 0
#define MLOCK_ONFAULT 1
#define CLOCK_MONOTONIC 1
#define SIG_SETMASK 2
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
/* glibc's pthread_create flags, CLONE_SETTLS, CLONE_PARENT_SETTID and
 * CLONE_CHILD_CLEARTID aside: each thread sets its FS base, and its
 * clear_child_tid with set_tid_address, itself. */
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM)

/* The kernel's struct clone_args (user ABI). */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/*
 * The way out, for every thread: in rdi the barrier's "left" counter, in r8
 * and r9 the region and its length, rsp on the thread's signal frame (not
 * in the region). The thread that brings "left" to 0 is the last to need
 * the region (the others are past their decrement, inside this stub): it
 * unmaps the region, then returns from the signal frame. The stub needs
 * nothing but registers, so it runs as well from a copy outside the
 * region (see qr_rst_args.exit_stub); from the region itself r9 is 0 and
 * munmap fails harmlessly.
 */
__asm__(".pushsection .text\n"
	".globl qr_exit_stub\n"
	"qr_exit_stub:\n"
	"	lock decl (%rdi)\n"
	"	jnz 1f\n"
	"	mov %r8, %rdi\n"
	"	mov %r9, %rsi\n"
	"	mov $11, %eax\n"		/* munmap */
	"	syscall\n"
	"1:	mov $15, %eax\n"		/* rt_sigreturn */
	"	syscall\n"
	"	ud2\n"
	/* Padded to QR_EXIT_STUB_LEN; an error if the code outgrows it. */
	"	.org qr_exit_stub + 32, 0xcc\n"
	".popsection\n");
extern const unsigned char qr_exit_stub[];
_Static_assert(QR_EXIT_STUB_LEN == 32, "the .org in the stub above");

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* To quickreboot restore, through the status socket. MSG_NOSIGNAL: with
 * restore gone (killed), the report is lost, and no SIGPIPE is left
 * pending for when the process resumes. */
#define MSG_NOSIGNAL 0x4000
static void report(struct qr_rst_args *a, const void *msg, long len)
{
	sys6(NR_sendto, a->status_fd, (long)msg, len, MSG_NOSIGNAL, 0, 0);
}

/* Reports the failed step and the errno to quickreboot, then dies: the
 * process is half rebuilt and cannot go on. */
static void __attribute__((noreturn)) fail(struct qr_rst_args *a, int step,
					   long err)
{
	unsigned char msg[2] = { (unsigned char)step, (unsigned char)-err };

	report(a, msg, 2);
	for (;;)
		sys3(NR_exit_group, 1, 0, 0);
}

static uint64_t now_ns(void)
{
	long ts[2];

	sys3(NR_clock_gettime, CLOCK_MONOTONIC, ts, 0);
	return (uint64_t)ts[0] * 1000000000ull + (uint64_t)ts[1];
}

static void fill(struct qr_rst_args *a, uint64_t addr, uint64_t len,
		 uint64_t off)
{
	uint64_t done = 0, t0 = now_ns();

	while (done < len) {
		long n = sys6(NR_pread64, a->pages_fd, (long)(addr + done),
			      (long)(len - done), (long)(off + done), 0, 0);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			fail(a, QR_RST_FILL, n ? n : -5);
		done += (uint64_t)n;
	}
	a->times.fill_ns += now_ns() - t0;
}

static void adopt(struct qr_rst_args *a, const struct qr_rst_op *op)
{
	struct qr_restore_adopt ad = { .addr = op->addr, .nr = op->nr,
				       .pfns = op->arg };
	uint64_t t0 = now_ns();
	long r = sys3(NR_ioctl, a->restore_fd, QR_RESTORE_IOC_ADOPT, &ad);

	if (r)
		fail(a, QR_RST_ADOPT, r);
	a->times.adopt_ns += now_ns() - t0;
	a->times.adopt_mode = ad.mode;
}

/* A private file mapping gets only its own pages: writing the others
 * would make them copies that no longer follow the file. */
static void fill_vma(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	if (!(v->how & QR_RST_MAP_RUNS)) {
		fill(a, v->start, v->len, v->pages_off);
		return;
	}
	for (uint32_t i = 0; i < v->runs_count; i++) {
		const struct qr_rst_run *r = &a->runs[v->runs_first + i];

		fill(a, v->start + r->off, r->len, v->pages_off + r->off);
	}
}

/* SHM_RDONLY, SHM_REMAP, SHM_EXEC (uapi linux/shm.h). */
#define QR_SHM_RDONLY 010000
#define QR_SHM_REMAP 040000
#define QR_SHM_EXEC 0100000

static void map_sysv(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	long r;

	if (!v->pgoff) {
		r = sys3(NR_shmat, v->shmid, (long)v->start, QR_SHM_REMAP |
			 (v->prot & PROT_WRITE ? 0 : QR_SHM_RDONLY) |
			 (v->prot & PROT_EXEC ? QR_SHM_EXEC : 0));
		if (r != (long)v->start)
			fail(a, QR_RST_MAP, r < 0 ? r : -22);
	}
	r = sys3(NR_mprotect, v->start, v->len, v->prot);
	if (r)
		fail(a, QR_RST_PROTECT, r);
}

/* Filled already, shared with the parent or the children: moved into
 * place, the pages with it; frames into the holes left for them. */
static void move_premap(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	const struct qr_rst_op *ops = (const struct qr_rst_op *)a->ops;
	long r = sys6(NR_mremap, (long)v->premap, (long)v->len, (long)v->len,
		      MREMAP_MAYMOVE | MREMAP_FIXED, (long)v->start, 0);

	if (r != (long)v->start)
		fail(a, QR_RST_MAP, r < 0 ? r : -22);
	for (uint64_t i = v->first_op; i < v->first_op + v->nops; i++)
		if (ops[i].kind == QR_RST_OP_ADOPT)
			adopt(a, &ops[i]);
	if (v->prot != (PROT_READ | PROT_WRITE)) {
		r = sys3(NR_mprotect, v->start, v->len, v->prot);
		if (r)
			fail(a, QR_RST_PROTECT, r);
	}
}

static void map_vma(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	const struct qr_rst_op *ops = (const struct qr_rst_op *)a->ops;
	int saved = v->pages_off != UINT64_MAX || v->nops;
	/* Contents are written through the mapping: writable until filled. */
	long prot = v->prot | (saved ? PROT_WRITE : 0);
	long flags = MAP_FIXED |
		(v->how & QR_RST_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE) |
		(v->how & QR_RST_MAP_ANON ? MAP_ANONYMOUS : 0) |
		(v->how & QR_RST_MAP_GROWSDOWN ? MAP_GROWSDOWN : 0);
	long r;

	if (v->how & QR_RST_MAP_SYSV) {
		map_sysv(a, v);
		return;
	}
	if (v->how & QR_RST_MAP_PREMAP) {
		move_premap(a, v);
		return;
	}
	r = sys6(NR_mmap, (long)v->start, (long)v->len, prot, flags,
		 v->fd, (long)v->pgoff);
	if (r != (long)v->start)
		fail(a, QR_RST_MAP, r < 0 ? r : -22);
	if (v->fd >= 0)
		sys3(NR_close, v->fd, 0, 0);
	if (!saved)
		return;
	/* Frames first: a page written before could fault in a huge page
	 * over addresses still to adopt, which ADOPT then refuses. */
	for (uint64_t i = v->first_op; i < v->first_op + v->nops; i++)
		if (ops[i].kind == QR_RST_OP_ADOPT)
			adopt(a, &ops[i]);
	if (v->pages_off != UINT64_MAX)
		fill_vma(a, v);
	for (uint64_t i = v->first_op; i < v->first_op + v->nops; i++)
		if (ops[i].kind == QR_RST_OP_FILL)
			fill(a, ops[i].addr, ops[i].nr * 4096, ops[i].arg);
	if (prot != (long)v->prot) {
		r = sys3(NR_mprotect, v->start, v->len, v->prot);
		if (r)
			fail(a, QR_RST_PROTECT, r);
	}
}

/* The area's madvise and mlock flags, once its contents are in place
 * (MADV_HUGEPAGE before the frames are adopted could fault huge pages in
 * over them). Still as root: mlock needs no limit. */
static void advise_vma(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	static const struct { uint32_t adv; int madv; } m[] = {
		{ QRI_ADV_SEQUENTIAL, 2 }, { QRI_ADV_RANDOM, 1 },
		{ QRI_ADV_DONTFORK, 10 }, { QRI_ADV_WIPEONFORK, 18 },
		{ QRI_ADV_DONTDUMP, 16 }, { QRI_ADV_HUGEPAGE, 14 },
		{ QRI_ADV_NOHUGEPAGE, 15 }, { QRI_ADV_MERGEABLE, 12 },
	};
	long r;

	for (unsigned int i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (v->advice & m[i].adv) {
			r = sys3(NR_madvise, v->start, v->len, m[i].madv);
			if (r)
				fail(a, QR_RST_ADVICE, r);
		}
	if (v->advice & QRI_ADV_LOCKED) {
		r = v->advice & QRI_ADV_LOCKONFAULT ?
			sys3(NR_mlock2, v->start, v->len, MLOCK_ONFAULT) :
			sys3(NR_mlock, v->start, v->len, 0);
		if (r)
			fail(a, QR_RST_ADVICE, r);
	}
}

/* Not memcpy: the compiler may not call out of the blob. */
static void copy(unsigned char *to, const unsigned char *from, uint64_t n)
{
	volatile unsigned char *t = to;

	while (n--)
		*t++ = *from++;
}

/* movabs $to, %r11; jmp *%r11. r11 is scratch in every calling convention
 * the vDSO is called with (the syscall instruction clobbers it too). */
static void write_tramp(const struct qr_rst_tramp *t)
{
	unsigned char *p = (unsigned char *)t->from;
	uint64_t to = t->to;

	p[0] = 0x49;
	p[1] = 0xbb;
	for (int i = 0; i < 8; i++)
		p[2 + i] = (unsigned char)(to >> (8 * i));
	p[10] = 0x41;
	p[11] = 0xff;
	p[12] = 0xe3;
}

static void map_vdso(struct qr_rst_args *a)
{
	long r;

	if (!a->vdso_vvar_addr)
		return;
	r = sys3(NR_arch_prctl, ARCH_MAP_VDSO_64, a->vdso_vvar_addr, 0);
	if (r < 0)
		fail(a, QR_RST_VDSO, r);
	if (!a->tramp_len)
		return;
	r = sys3(NR_mprotect, a->tramp_page, a->tramp_len, PROT_READ | PROT_WRITE);
	if (r)
		fail(a, QR_RST_VDSO, r);
	for (uint32_t i = 0; i < a->ntramps; i++)
		write_tramp(&a->tramps[i]);
	if (a->exit_stub)
		copy((unsigned char *)a->exit_stub, qr_exit_stub, QR_EXIT_STUB_LEN);
	r = sys3(NR_mprotect, a->tramp_page, a->tramp_len, PROT_READ | PROT_EXEC);
	if (r)
		fail(a, QR_RST_VDSO, r);
}

struct cap_header {
	uint32_t version;
	int32_t pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static long capset(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct cap_header h = { CAP_VERSION_3, 0 };
	struct cap_data d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};

	return sys3(NR_capset, &h, d, 0);
}

/*
 * The image's capabilities, from a thread that still has all of root's
 * and has just taken its ids without losing them (SECBIT_NO_SETUID_FIXUP):
 * the inheritable set and the ambient ones (which need their bit in the
 * permitted and inheritable sets), then the bounding set (dropping needs
 * CAP_SETPCAP, still effective), securebits back to 0, and last the three
 * sets, which can only shrink from there.
 */
static void set_caps(struct qr_rst_args *a)
{
	struct cap_header h = { CAP_VERSION_3, 0 };
	struct cap_data d[2];
	uint64_t prm;
	long r;

	r = sys3(NR_capget, &h, d, 0);
	if (r)
		fail(a, QR_RST_CREDS, r);
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	r = capset(prm, prm, a->cap_inh);
	if (r)
		fail(a, QR_RST_CREDS, r);
	for (int c = 0; c < 64; c++)
		if (a->cap_amb >> c & 1) {
			r = sys6(NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0, 0);
			if (r)
				fail(a, QR_RST_CREDS, r);
		}
	/* Capabilities this kernel does not know: EINVAL, nothing to drop. */
	for (int c = 0; c < 64; c++)
		if (!(a->cap_bnd >> c & 1)) {
			r = sys3(NR_prctl, PR_CAPBSET_DROP, c, 0);
			if (r && r != -EINVAL)
				fail(a, QR_RST_CREDS, r);
		}
	r = sys3(NR_prctl, PR_SET_SECUREBITS, 0, 0);
	if (r)
		fail(a, QR_RST_CREDS, r);
	r = capset(a->cap_eff, a->cap_prm, a->cap_inh);
	if (r)
		fail(a, QR_RST_CREDS, r);
}

static void set_creds(struct qr_rst_args *a)
{
	long r;

	/* Groups first: once the uid is not 0 they cannot change. */
	if (a->creds_valid) {
		r = sys3(NR_setgroups, a->ngroups, a->groups, 0);
		if (!r)
			r = sys3(NR_prctl, PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0);
		if (r)
			fail(a, QR_RST_CREDS, r);
	}
	if (sys3(NR_setresgid, a->gid[0], a->gid[1], a->gid[2]) ||
	    sys3(NR_setresuid, a->uid[0], a->uid[1], a->uid[2]))
		fail(a, QR_RST_CREDS, -1);
	/* setfs*id return the previous value, never an error. */
	sys3(NR_setfsgid, a->gid[3], 0, 0);
	sys3(NR_setfsuid, a->uid[3], 0, 0);
	if (!a->creds_valid)
		return;
	set_caps(a);
	if (a->no_new_privs) {
		r = sys6(NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
		if (r)
			fail(a, QR_RST_CREDS, r);
	}
}

/* A thread's own scheduling, while it may still raise it. The policy
 * first: sched_setscheduler keeps the nice value, which comes after. */
static void set_sched(struct qr_rst_args *a, const struct qr_rst_thread *t)
{
	long prio = t->rt_priority, r;

	if (!t->sched_valid)
		return;
	r = sys3(NR_sched_setaffinity, 0, t->cpus_len, t->cpus);
	if (!r)
		r = sys3(NR_sched_setscheduler, 0, t->policy, &prio);
	if (!r)
		r = sys3(NR_setpriority, PRIO_PROCESS, 0, t->nice);
	if (!r && t->ioprio)
		r = sys3(NR_ioprio_set, IOPRIO_WHO_PROCESS, 0, t->ioprio);
	if (!r)
		r = sys3(NR_prctl, PR_SET_TIMERSLACK, t->timerslack_ns, 0);
	if (r)
		fail(a, QR_RST_SCHED, r);
}

static long futex(uint32_t *word, long op, uint32_t val)
{
	return sys6(NR_futex, (long)word, op, val, 0, 0, 0);
}

/* Every thread waits here until all are ready, so that none runs the old
 * program's code while another one is still missing. The last to arrive
 * reports success (nothing can fail after this point), waits until every
 * process of the tree has reported (go_fd), and opens the gate. */
static void barrier(struct qr_rst_args *a)
{
	if (__atomic_add_fetch(&a->ready, 1, __ATOMIC_SEQ_CST) == a->nthreads) {
		unsigned char ok[2 + sizeof(struct qr_rst_times)] = { QR_RST_OK, 0 };
		char c;
		long n;

		copy(ok + 2, (const unsigned char *)&a->times, sizeof(a->times));
		report(a, ok, sizeof(ok));
		sys3(NR_close, a->status_fd, 0, 0);
		/* Every signal is blocked here: only the end of file (or an
		 * error) ends the read. */
		do
			n = sys3(NR_read, a->go_fd, &c, 1);
		while (n > 0 || n == -EINTR);
		sys3(NR_close, a->go_fd, 0, 0);
		__atomic_store_n(&a->go, 1, __ATOMIC_SEQ_CST);
		futex(&a->go, FUTEX_WAKE_PRIVATE, a->nthreads);
		return;
	}
	while (!__atomic_load_n(&a->go, __ATOMIC_SEQ_CST))
		futex(&a->go, FUTEX_WAIT_PRIVATE, 0);
}

/* The kernel takes a siginfo with si_code >= 0 (what kill() and the
 * kernel itself make) for a thread only from that thread: each queues its
 * own, blocked as every signal is here until its rt_sigreturn. */
static void queue_own_signals(struct qr_rst_args *a, const struct qr_rst_thread *t)
{
	long pid = sys3(NR_getpid, 0, 0, 0);

	for (uint32_t k = 0; k < t->sigq_count; k++) {
		const uint8_t *si = a->sigq[t->sigq_first + k];
		int32_t signo = (int32_t)(si[0] | si[1] << 8 | si[2] << 16 |
					  (uint32_t)si[3] << 24);
		long r = sys6(NR_rt_tgsigqueueinfo, pid, t->tid, signo, (long)si, 0, 0);

		if (r)
			fail(a, QR_RST_SIGNALS, r);
	}
}

/* The kernel's struct sock_fprog (user ABI). */
struct sock_fprog {
	uint16_t len;
	uint64_t filter;
};

/*
 * The thread's seccomp filters, oldest first, as late as the restorer
 * allows: after everything it sets that a filter may forbid (credentials
 * before all: no_new_privs, or CAP_SYS_ADMIN still effective, lets it
 * install them; checkpoint/seccomp.c refuses a process with neither).
 * What runs under them is the barrier (futex, sendto, read, close) and
 * the way out (munmap, rt_sigreturn). Each filter is checked against the
 * ones before it, as when the process installed it: installed the same
 * way, it passes them; seccomp() first, prctl() for a process that used
 * that one. A filter not installed fails the restore: never fewer.
 */
static void install_filters(struct qr_rst_args *a, const struct qr_rst_thread *t)
{
	const struct qr_rst_filter *f = (const struct qr_rst_filter *)a->filters;

	for (uint32_t k = t->seccomp_first; k < t->seccomp_first + t->seccomp_count; k++) {
		struct sock_fprog prog = { (uint16_t)f[k].len, f[k].insns };
		long r = sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER, f[k].flags, &prog);

		if (r && !f[k].flags)
			r = sys3(NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
		if (r)
			fail(a, QR_RST_SECCOMP, r);
	}
}

/* What each thread sets for itself: credentials, TLS, robust list, rseq
 * and clear_child_tid are per thread in the kernel. Then the barrier, then
 * out through the exit stub onto its signal frame. */
static void __attribute__((noreturn, used)) thread_main(struct qr_rst_args *a,
							uint32_t i)
{
	const struct qr_rst_thread *t = &a->threads[i];
	register uint64_t r8 __asm__("r8") = a->region_start;
	register uint64_t r9 __asm__("r9") = a->exit_stub ?
		a->region_end - a->region_start - a->keep_len : 0;
	long r;

	set_sched(a, t);
	set_creds(a);
	/* After them: changing credentials clears it. */
	if (t->pdeath_signal) {
		r = sys3(NR_prctl, PR_SET_PDEATHSIG, t->pdeath_signal, 0);
		if (r)
			fail(a, QR_RST_THREAD, r);
	}
	if (sys3(NR_arch_prctl, ARCH_SET_FS, t->fs_base, 0) ||
	    sys3(NR_arch_prctl, ARCH_SET_GS, t->gs_base, 0))
		fail(a, QR_RST_TLS, -1);
	sys3(NR_set_tid_address, t->clear_child_tid, 0, 0);
	if (t->robust_list) {
		r = sys3(NR_set_robust_list, t->robust_list, t->robust_len, 0);
		if (r)
			fail(a, QR_RST_THREAD, r);
	}
	/* The New kernel updates the old rseq area from the first return to
	 * user mode on, as the Old one did. */
	if (t->rseq_ptr) {
		r = sys6(NR_rseq, (long)t->rseq_ptr, t->rseq_len, 0, t->rseq_sig, 0, 0);
		if (r)
			fail(a, QR_RST_TLS, r);
	}
	/* After its credentials: the signals count against its user. */
	queue_own_signals(a, t);
	install_filters(a, t);
	barrier(a);
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "jmp *%1"
			 : : "r"(t->frame),
			   "r"(a->exit_stub ? a->exit_stub : (uint64_t)qr_exit_stub),
			   "D"(&a->left), "r"(r8), "r"(r9) : "memory");
	__builtin_unreachable();
}

/* A thread with its old TID, sharing everything as glibc's threads do,
 * starting in thread_main on its stack in the region. */
static void clone_thread(struct qr_rst_args *a, uint32_t i)
{
	const struct qr_rst_thread *t = &a->threads[i];
	uint64_t tid = (uint64_t)t->tid;
	struct clone_args ca = {
		.flags = THREAD_FLAGS,
		.stack = t->stack_top - QR_RST_STACK,
		.stack_size = QR_RST_STACK,
		.set_tid = (uint64_t)&tid,
		.set_tid_size = 1,
	};
	register long r12 __asm__("r12") = (long)a;
	register long r13 __asm__("r13") = i;
	register long r14 __asm__("r14") = (long)thread_main;
	long ret;

	/* The child starts after the syscall on its new stack, with no frame
	 * to return to: it calls thread_main straight away. */
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov %%r12, %%rdi\n\t"
			 "mov %%r13, %%rsi\n\t"
			 "call *%%r14\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "0"(NR_clone3), "D"(&ca), "S"(sizeof(ca)),
			   "r"(r12), "r"(r13), "r"(r14)
			 : "rcx", "r11", "memory");
	if (ret < 0)
		fail(a, QR_RST_THREAD, ret);
}

/* The entry point: first in the blob (section .text.entry). */
__attribute__((section(".text.entry"), noreturn, used))
void qr_restorer_entry(struct qr_rst_args *a)
{
	const struct qr_rst_range *keep = (const struct qr_rst_range *)a->keep_ranges;
	uint64_t all = ~0ull, from = 0x1000;
	long r;

	/* The threads inherit it; each gets its own mask from its frame. */
	sys6(NR_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, 8, 0, 0);
	for (uint32_t i = 0; i <= a->nkeep; i++) {
		uint64_t to = i < a->nkeep ? keep[i].start : a->task_size;

		r = to > from ? sys3(NR_munmap, from, to - from, 0) : 0;
		if (r)
			fail(a, QR_RST_UNMAP, r);
		if (i < a->nkeep)
			from = keep[i].end;
	}
	for (uint32_t i = 0; i < a->nvmas; i++) {
		map_vma(a, &a->vmas[i]);
		if (a->vmas[i].advice)
			advise_vma(a, &a->vmas[i]);
	}
	if (a->thp_set) {
		r = sys6(NR_prctl, PR_SET_THP_DISABLE, a->thp_disabled, 0, 0, 0, 0);
		if (r)
			fail(a, QR_RST_MAP, r);
	}
	map_vdso(a);
	if (a->mm_valid) {
		r = sys6(NR_prctl, PR_SET_MM, PR_SET_MM_MAP, (long)&a->mm,
			 sizeof(a->mm), 0, 0);
		if (r)
			fail(a, QR_RST_MM, r);
	}
	for (int i = 0; i < 8; i++)
		if (a->close_fds[i] >= 0 && a->close_fds[i] != a->status_fd)
			sys3(NR_close, a->close_fds[i], 0, 0);
	for (uint32_t i = 0; i < a->nthreads; i++) {
		const struct qr_rst_thread *t = &a->threads[i];

		copy((unsigned char *)t->frame_dst,
		     (const unsigned char *)t->frame_src, t->frame_len);
	}
	/* Before any thread drops its credentials: set_tid needs them. */
	for (uint32_t i = 1; i < a->nthreads; i++)
		clone_thread(a, i);
	thread_main(a, 0);
}
