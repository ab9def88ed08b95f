/* See restore/restart.h. The ERESTART* values are the kernel's
 * include/linux/errno.h: they never reach user space, yet ptrace shows
 * them, and they have not changed since Linux 2.6. */
#include <errno.h>
#include <string.h>

#include "restore/restart.h"

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define NR_clock_nanosleep 230
/* Where the timespec lies in a stub, after its code. */
#define STUB_TS 96

enum qr_restart qr_restart_fixup(struct user_regs_struct *r)
{
	if ((long long)r->orig_rax < 0)
		return QR_RESTART_NONE;
	switch ((long long)r->rax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		r->rax = r->orig_rax;
		r->rip -= 2;
		return QR_RESTART_AGAIN;
	case -ERESTART_RESTARTBLOCK:
		r->rax = (unsigned long long)-EINTR;
		return QR_RESTART_EINTR;
	default:
		return QR_RESTART_NONE;
	}
}

uint64_t qr_restart_keep_len(const struct qri_proc_img *pr)
{
	uint64_t n = 0;

	for (size_t i = 0; i < pr->nthreads; i++)
		if (pr->threads[i].restart)
			n++;
	return (n * QR_SLEEP_STUB_LEN + 4095) & ~(uint64_t)4095;
}

static uint8_t *put(uint8_t *p, const void *bytes, size_t n)
{
	memcpy(p, bytes, n);
	return p + n;
}

/* movabs $v, reg: rex, opcode, imm64 */
static uint8_t *movabs(uint8_t *p, uint8_t rex, uint8_t op, uint64_t v)
{
	*p++ = rex;
	*p++ = op;
	return put(p, &v, 8);
}

enum qr_restart qr_restart_sleep(struct user_regs_struct *r,
				 const struct qri_thread_restart *rs,
				 uint8_t *stub, uint64_t stub_addr,
				 int64_t realtime_now_ns)
{
	static const uint8_t mov_eax[] = { 0xb8, NR_clock_nanosleep, 0, 0, 0 };
	static const uint8_t xor_esi[] = { 0x31, 0xf6 };
	static const uint8_t syscall_insn[] = { 0x0f, 0x05 };
	static const uint8_t jmp_r11[] = { 0x41, 0xff, 0xe3 };
	int64_t left = (int64_t)rs->left_ns;
	int64_t ts[2];
	uint8_t *p = stub;
	uint32_t clk = (uint32_t)rs->clockid;

	if ((long long)r->orig_rax < 0 ||
	    (long long)r->rax != -ERESTART_RESTARTBLOCK)
		return QR_RESTART_NONE;
	if (rs->realtime_ns) {
		left = (int64_t)rs->realtime_ns - realtime_now_ns;
		if (left < 0)
			left = 0;
	}
	ts[0] = left / 1000000000;
	ts[1] = left % 1000000000;
	memset(stub, 0xcc, QR_SLEEP_STUB_LEN);
	p = put(p, mov_eax, sizeof(mov_eax));
	*p++ = 0xbf;				/* mov $clk, %edi */
	p = put(p, &clk, 4);
	p = put(p, xor_esi, sizeof(xor_esi));	/* relative */
	p = movabs(p, 0x48, 0xba, stub_addr + STUB_TS);	/* %rdx */
	p = movabs(p, 0x49, 0xba, rs->rmtp);	/* %r10 */
	p = put(p, syscall_insn, sizeof(syscall_insn));
	p = movabs(p, 0x48, 0xbf, r->rdi);
	p = movabs(p, 0x48, 0xbe, r->rsi);
	p = movabs(p, 0x48, 0xba, r->rdx);
	p = movabs(p, 0x49, 0xba, r->r10);
	p = movabs(p, 0x49, 0xbb, r->rip);	/* %r11: the syscall clobbers it anyway */
	p = put(p, jmp_r11, sizeof(jmp_r11));
	_Static_assert(STUB_TS >= 87 && STUB_TS + 16 <= QR_SLEEP_STUB_LEN,
		       "the stub's code, then its timespec");
	memcpy(stub + STUB_TS, ts, sizeof(ts));
	r->rip = stub_addr;
	return QR_RESTART_SLEEP;
}
