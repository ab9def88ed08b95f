/* One frozen thread: registers and FPU state from pfncheck (REGSET, the
 * PTRACE_GETREGSET layout, captured by the thread as it parked), its
 * signal mask from /proc, its robust list by get_robust_list, and
 * clear_child_tid and rseq from the module's thread record. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "checkpoint/stat.h"
#include "lib/exit.h"
#include "lib/readfile.h"

static int regset(int fd, pid_t pid, pid_t tid, uint32_t type, void *buf,
		  uint32_t *len)
{
	struct pfncheck_regset r = {
		.pid = pid, .tid = tid, .note_type = type, .size = *len,
		.buf = (uintptr_t)buf,
	};

	if (ioctl(fd, PFNCHECK_IOC_REGSET, &r))
		return -1;
	*len = r.size;
	return 0;
}

static int sigmask(pid_t pid, pid_t tid, uint64_t *mask)
{
	char path[64], *text;
	struct qr_err e;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	text = qr_read_file(path, 1 << 16);
	if (!text)
		return -1;
	rc = qr_status_sigblk(text, mask, &e);
	free(text);
	return rc;
}

int qr_capture_thread(struct qri_writer *w, int fd, pid_t pid,
		      const struct pfncheck_thread *pt)
{
	struct user_regs_struct regs;
	struct qri_thread t = {
		.pid = pid, .tid = pt->tid, .regs_len = sizeof(regs),
		.clear_child_tid = pt->clear_child_tid,
		.rseq_ptr = pt->rseq, .rseq_len = pt->rseq_len,
		.rseq_sig = pt->rseq_sig,
	};
	uint32_t len = sizeof(regs);
	size_t robust_len = 0;
	void *robust = NULL;
	uint8_t *xs;

	if (regset(fd, pid, pt->tid, PFNCHECK_NT_PRSTATUS, &regs, &len) ||
	    len != sizeof(regs)) {
		qr_error("thread %d: cannot read registers: %s", pt->tid, strerror(errno));
		return -1;
	}
	xs = malloc(QRI_MAX_BLOB);
	if (!xs)
		return -1;
	len = QRI_MAX_BLOB;
	if (regset(fd, pid, pt->tid, PFNCHECK_NT_X86_XSTATE, xs, &len) ||
	    len < QRI_XSTATE_MIN) {
		qr_error("thread %d: cannot read FPU state: %s", pt->tid, strerror(errno));
		free(xs);
		return -1;
	}
	t.xstate_len = len;
	if (sigmask(pid, pt->tid, &t.sigmask)) {
		qr_error("thread %d: cannot read signal mask", pt->tid);
		free(xs);
		return -1;
	}
	if (!syscall(SYS_get_robust_list, pt->tid, &robust, &robust_len)) {
		t.robust_list = (uint64_t)(uintptr_t)robust;
		t.robust_list_len = robust_len;
	}
	qri_add_thread(w, &t, &regs, xs);
	free(xs);
	return 0;
}
