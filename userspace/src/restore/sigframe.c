/* See restore/sigframe.h. The structs below copy the kernel's user ABI
 * ones: glibc's ucontext_t differs (a 128-byte sigset, fpregs inline). */
#include <string.h>

#include "restore/sigframe.h"

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t di, si, bp, bx, dx, ax, cx, sp, ip;
	uint64_t flags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags;
	uint32_t pad;
	uint64_t ss_size;
	struct k_sigcontext mc;
	uint64_t sigmask;
};

struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	uint8_t info[128];	/* siginfo: unused by rt_sigreturn */
};

/* The software-reserved bytes of the FXSAVE area (offset 464): they tell
 * rt_sigreturn that an XSAVE image follows, and how big it is. */
struct k_fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define SW_BYTES_OFFSET 464
#define XSTATE_BV_OFFSET 512
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define SS_DISABLE 2

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct k_ucontext) == 304, "ucontext layout");
_Static_assert(sizeof(struct k_fpx_sw_bytes) == 48, "fpx_sw_bytes layout");

/* The frame, then the xstate 64-byte aligned, then FP_XSTATE_MAGIC2. */
#define FP_OFF ((sizeof(struct k_rt_sigframe) + 63) & ~(size_t)63)

size_t qr_sigframe_size(size_t xstate_len)
{
	return FP_OFF + xstate_len + sizeof(uint32_t);
}

uint64_t qr_sigframe_build(uint8_t *buf, size_t len, uint64_t base,
			   const struct qr_frame_in *in, struct qr_err *e)
{
	const struct user_regs_struct *r = in->regs;
	struct k_rt_sigframe f;
	struct k_fpx_sw_bytes sw;
	size_t fp_off = FP_OFF;
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	uint64_t bv;

	if (base & 63)
		return qr_err_set(e, "signal frame at 0x%llx is not 64-byte aligned",
				  (unsigned long long)base), 0;
	if (in->xstate_len < XSTATE_BV_OFFSET + 64 ||
	    fp_off + in->xstate_len + sizeof(magic2) > len)
		return qr_err_set(e, "FPU state of %zu bytes does not fit a signal frame",
				  in->xstate_len), 0;
	memset(buf, 0, len);
	memset(&f, 0, sizeof(f));
	f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	if (in->ss_size) {
		f.uc.ss_sp = in->ss_sp;
		f.uc.ss_size = in->ss_size;
		f.uc.ss_flags = in->ss_flags;
	} else {
		f.uc.ss_flags = SS_DISABLE;
	}
	f.uc.mc = (struct k_sigcontext) {
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.di = r->rdi, .si = r->rsi, .bp = r->rbp, .bx = r->rbx,
		.dx = r->rdx, .ax = r->rax, .cx = r->rcx, .sp = r->rsp,
		.ip = r->rip, .flags = r->eflags,
		.cs = r->cs, .gs = r->gs, .fs = r->fs, .ss = r->ss,
		.fpstate = base + fp_off,
	};
	f.uc.sigmask = in->sigmask;
	memcpy(buf, &f, sizeof(f));

	memcpy(buf + fp_off, in->xstate, in->xstate_len);
	memcpy(&bv, in->xstate + XSTATE_BV_OFFSET, sizeof(bv));
	memcpy(&sw, in->xstate + SW_BYTES_OFFSET, sizeof(sw));
	/* The Old kernel's feature mask when it left one, else the features
	 * present in the image; XRSTOR initialises what is absent. */
	if (sw.magic1 != FP_XSTATE_MAGIC1 || !sw.xfeatures)
		sw.xfeatures = bv | 3;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.xstate_size = in->xstate_len;
	sw.extended_size = in->xstate_len + sizeof(magic2);
	memcpy(buf + fp_off + SW_BYTES_OFFSET, &sw, sizeof(sw));
	memcpy(buf + fp_off + in->xstate_len, &magic2, sizeof(magic2));
	return base + offsetof(struct k_rt_sigframe, uc);
}
