/*
 * The restorer blob: position-independent code copied into a region where
 * the old process had nothing, entered with everything it needs in struct
 * qr_rst_args. It unmaps all else (quickreboot's own code, libc, stack),
 * maps the old process's memory back at its old addresses, and ends with
 * rt_sigreturn on a frame holding the old registers and FPU state.
 *
 * Built on its own (see the Makefile): no libc, no stack protector, no
 * jump tables, no calls outside this file, so that the flat binary runs at
 * any address. Every syscall is inline assembly.
 */
#include "restorer.h"

#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_rt_sigreturn 15
#define NR_pread64 17
#define NR_exit_group 231
#define NR_setresuid 117
#define NR_setresgid 119
#define NR_setfsuid 122
#define NR_setfsgid 123
#define NR_prctl 157
#define NR_arch_prctl 158
#define NR_rseq 334

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define PR_SET_MM 35
#define PR_SET_MM_MAP 14
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_MAP_VDSO_64 0x2003
#define EINTR 4

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

/* Reports the failed step and the errno to quickreboot, then dies: the
 * process is half rebuilt and cannot go on. */
static void __attribute__((noreturn)) fail(struct qr_rst_args *a, int step,
					   long err)
{
	unsigned char msg[2] = { (unsigned char)step, (unsigned char)-err };

	sys3(NR_write, a->status_fd, msg, 2);
	for (;;)
		sys3(NR_exit_group, 1, 0, 0);
}

static void fill(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	uint64_t done = 0;

	while (done < v->len) {
		long n = sys6(NR_pread64, a->pages_fd, (long)(v->start + done),
			      (long)(v->len - done), (long)(v->pages_off + done),
			      0, 0);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			fail(a, QR_RST_FILL, n ? n : -5);
		done += (uint64_t)n;
	}
}

static void map_vma(struct qr_rst_args *a, const struct qr_rst_vma *v)
{
	int saved = v->pages_off != UINT64_MAX;
	/* Contents are written through the mapping: writable until filled. */
	long prot = v->prot | (saved ? PROT_WRITE : 0);
	long flags = MAP_FIXED |
		(v->how & QR_RST_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE) |
		(v->how & QR_RST_MAP_ANON ? MAP_ANONYMOUS : 0) |
		(v->how & QR_RST_MAP_GROWSDOWN ? MAP_GROWSDOWN : 0);
	long r = sys6(NR_mmap, (long)v->start, (long)v->len, prot, flags,
		      v->fd, (long)v->pgoff);

	if (r != (long)v->start)
		fail(a, QR_RST_MAP, r < 0 ? r : -22);
	if (v->fd >= 0)
		sys3(NR_close, v->fd, 0, 0);
	if (!saved)
		return;
	fill(a, v);
	if (prot != (long)v->prot) {
		r = sys3(NR_mprotect, v->start, v->len, v->prot);
		if (r)
			fail(a, QR_RST_PROTECT, r);
	}
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
	r = sys3(NR_mprotect, a->tramp_page, a->tramp_len, PROT_READ | PROT_EXEC);
	if (r)
		fail(a, QR_RST_VDSO, r);
}

static void set_creds(struct qr_rst_args *a)
{
	/* Groups first: once the uid is not 0 they cannot change. */
	if (sys3(NR_setresgid, a->gid[0], a->gid[1], a->gid[2]) ||
	    sys3(NR_setresuid, a->uid[0], a->uid[1], a->uid[2]))
		fail(a, QR_RST_CREDS, -1);
	/* setfs*id return the previous value, never an error. */
	sys3(NR_setfsgid, a->gid[3], 0, 0);
	sys3(NR_setfsuid, a->uid[3], 0, 0);
}

/* The entry point: first in the blob (section .text.entry). */
__attribute__((section(".text.entry"), noreturn, used))
void qr_restorer_entry(struct qr_rst_args *a)
{
	long r;

	r = sys3(NR_munmap, 0x1000, a->region_start - 0x1000, 0);
	if (!r)
		r = sys3(NR_munmap, a->region_end, a->task_size - a->region_end, 0);
	if (r)
		fail(a, QR_RST_UNMAP, r);
	for (uint32_t i = 0; i < a->nvmas; i++)
		map_vma(a, &a->vmas[i]);
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
	set_creds(a);
	if (sys3(NR_arch_prctl, ARCH_SET_FS, a->fs_base, 0) ||
	    sys3(NR_arch_prctl, ARCH_SET_GS, a->gs_base, 0))
		fail(a, QR_RST_TLS, -1);
	/* The New kernel updates the old rseq area from the first return to
	 * user mode on, as the Old one did. */
	if (a->rseq_ptr) {
		r = sys6(NR_rseq, (long)a->rseq_ptr, a->rseq_len, 0, a->rseq_sig, 0, 0);
		if (r)
			fail(a, QR_RST_TLS, r);
	}
	{
		unsigned char ok[2] = { QR_RST_OK, 0 };

		sys3(NR_write, a->status_fd, ok, 2);
		sys3(NR_close, a->status_fd, 0, 0);
	}
	/* rt_sigreturn takes its frame at the stack pointer (after the
	 * return-address slot): every register, the FPU state and the signal
	 * mask come back from it. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %1, %%eax\n\t"
			 "syscall"
			 : : "r"(a->frame), "i"(NR_rt_sigreturn) : "memory");
	__builtin_unreachable();
}
