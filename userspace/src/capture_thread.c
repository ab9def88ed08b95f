/* One stopped thread's registers, FPU state and signal mask, by ptrace. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"

int qr_capture_thread(struct qri_writer *w, pid_t pid, pid_t tid)
{
	struct user_regs_struct regs;
	struct qri_thread t = { .pid = pid, .tid = tid, .regs_len = sizeof(regs) };
	struct iovec iov = { &regs, sizeof(regs) };
	size_t robust_len = 0;
	void *robust = NULL;
	uint8_t *xs;

	if (ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &iov) || iov.iov_len != sizeof(regs)) {
		qr_error("thread %d: cannot read registers: %s", tid, strerror(errno));
		return -1;
	}
	/* The kernel trims iov_len to its XSAVE size (user ABI layout). */
	xs = malloc(QRI_MAX_BLOB);
	if (!xs)
		return -1;
	iov = (struct iovec) { xs, QRI_MAX_BLOB };
	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov) ||
	    iov.iov_len < QRI_XSTATE_MIN) {
		qr_error("thread %d: cannot read FPU state: %s", tid, strerror(errno));
		free(xs);
		return -1;
	}
	t.xstate_len = iov.iov_len;
	if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(t.sigmask), &t.sigmask)) {
		qr_error("thread %d: cannot read signal mask: %s", tid, strerror(errno));
		free(xs);
		return -1;
	}
	{
		struct ptrace_rseq_configuration rc;

		if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, sizeof(rc), &rc) ==
		    sizeof(rc) && rc.rseq_abi_pointer) {
			t.rseq_ptr = rc.rseq_abi_pointer;
			t.rseq_len = rc.rseq_abi_size;
			t.rseq_sig = rc.signature;
		}
	}
	if (!syscall(SYS_get_robust_list, tid, &robust, &robust_len)) {
		t.robust_list = (uint64_t)(uintptr_t)robust;
		t.robust_list_len = robust_len;
	}
	qri_add_thread(w, &t, &regs, xs);
	free(xs);
	return 0;
}
