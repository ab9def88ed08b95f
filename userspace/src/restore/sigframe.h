/* The rt_sigframe that rt_sigreturn takes: its layout is user ABI on
 * x86-64 (arch/x86/include/uapi/asm/{sigcontext,ucontext}.h). Pure. */
#ifndef QR_RESTORE_SIGFRAME_H
#define QR_RESTORE_SIGFRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

#include "lib/err.h"

struct qr_frame_in {
	const struct user_regs_struct *regs;
	const uint8_t *xstate;	/* NT_X86_XSTATE (XSAVE, standard format) */
	size_t xstate_len;
	uint64_t sigmask;
	uint64_t ss_sp, ss_size;	/* sigaltstack; size 0: disabled */
	uint32_t ss_flags;
};

/* The bytes a frame with this much xstate takes from its base. */
size_t qr_sigframe_size(size_t xstate_len);

/* Builds the frame in buf (len bytes) as if buf were mapped at address
 * base: the fpstate pointer inside is absolute. Returns the address to
 * load into rsp before rt_sigreturn (the ucontext), or 0 with a message. */
uint64_t qr_sigframe_build(uint8_t *buf, size_t len, uint64_t base,
			   const struct qr_frame_in *in, struct qr_err *e);

#endif
