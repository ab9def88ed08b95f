/* See restore/threads.h. */
#include <string.h>
#include <sys/user.h>
#include <time.h>

#include "lib/exit.h"
#include "restore/restart.h"
#include "restore/sigframe.h"
#include "restore/threads.h"

/* The frame goes where the kernel would put a signal frame: below the
 * thread's stack pointer and red zone, 64-byte aligned for the xstate. */
static uint64_t frame_base(uint64_t sp, size_t size)
{
	return (sp - QR_RED_ZONE - size) & ~(uint64_t)63;
}

int qr_restore_plan_threads(struct qr_rst_args *a, uint8_t *slots,
			    const struct qri_proc_img *pr)
{
	uint8_t *stub = (uint8_t *)(uintptr_t)a->keep_start;
	struct timespec now;
	size_t lead = 0;

	if (pr->nthreads < 1 || pr->nthreads > QR_RST_MAX_THREADS) {
		qr_error("restore: pid %u: %zu threads (1 to %d can be restored)",
			 pr->p.pid, pr->nthreads, QR_RST_MAX_THREADS);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	while (lead < pr->nthreads && pr->threads[lead].t.tid != pr->p.pid)
		lead++;
	if (lead == pr->nthreads) {
		qr_error("restore: pid %u: its main thread is gone (only other threads remain)",
			 pr->p.pid);
		return -1;
	}
	for (size_t i = 0; i < pr->nthreads; i++) {
		/* Slot 0 is the thread the restore runs in: the one with the
		 * PID as its TID; the others keep their order after it. */
		size_t k = i ? i - (i <= lead) : lead;
		const struct qri_thread_img *th = &pr->threads[k];
		struct qr_rst_thread *t = &a->threads[i];
		uint8_t *slot = slots + i * QR_RST_SLOT;
		size_t size = qr_sigframe_size(th->t.xstate_len);
		struct user_regs_struct regs;
		struct qr_frame_in fin = {
			.regs = &regs, .xstate = th->xstate,
			.xstate_len = th->t.xstate_len, .sigmask = th->t.sigmask,
			.ss_sp = th->t.sigaltstack_sp,
			.ss_size = th->t.sigaltstack_size,
			.ss_flags = th->t.sigaltstack_flags,
		};
		struct qr_err e;

		memcpy(&regs, th->regs, sizeof(regs));
		/* A sleep continues in its stub (a->keep_start, sized for all
		 * by qr_restart_keep_len); any other call by the rules. */
		if (th->restart &&
		    qr_restart_sleep(&regs, th->restart, stub, (uintptr_t)stub,
				     (int64_t)now.tv_sec * 1000000000 + now.tv_nsec))
			stub += QR_SLEEP_STUB_LEN;
		else
			qr_restart_fixup(&regs);
		*t = (struct qr_rst_thread) {
			.tid = th->t.tid,
			.fs_base = regs.fs_base, .gs_base = regs.gs_base,
			.frame_src = (uintptr_t)slot,
			.frame_dst = frame_base(regs.rsp, size),
			.frame_len = size,
			.stack_top = (uintptr_t)slot + QR_RST_SLOT,
			.clear_child_tid = th->t.clear_child_tid,
			.robust_list = th->t.robust_list,
			.robust_len = th->t.robust_list_len,
			.rseq_ptr = th->t.rseq_ptr,
			.rseq_len = th->t.rseq_len, .rseq_sig = th->t.rseq_sig,
		};
		t->frame = qr_sigframe_build(slot, QR_RST_FRAME_MAX, t->frame_dst,
					     &fin, &e);
		if (!t->frame) {
			qr_error("restore: thread %u: %s", th->t.tid, e.msg);
			return -1;
		}
	}
	a->nthreads = pr->nthreads;
	a->left = pr->nthreads;
	return 0;
}
