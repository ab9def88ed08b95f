/* The process tree plan (proc_tree.h), the interrupted-sleep record and
 * the sleep stub that continues it (restore/restart.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "image/image.h"
#include "image/proc_tree.h"
#include "restore/restart.h"
#include "test.h"

static int plan(const struct qr_tree_proc *p, size_t n, struct qr_tree *t,
		struct qr_err *e)
{
	return qr_tree_plan(p, n, t, e);
}

static long index_of(const struct qr_tree_proc *p, size_t n, uint32_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].pid == pid)
			return (long)i;
	return -1;
}

TEST(tree_plan_cr_tree_arrangement)
{
	/* The image lists B before A: B joins A's group, so A's subtree
	 * (a group leader) must be created first. */
	static const struct qr_tree_proc p[] = {
		{ 200, 77, 200, 200 },	/* R: session leader, parent outside */
		{ 202, 200, 201, 200 },	/* B: in its sibling A's group */
		{ 203, 201, 201, 200 },	/* G: A's child, in A's group */
		{ 201, 200, 201, 200 },	/* A: group leader */
	};
	static const uint32_t want[] = { 200, 201, 203, 202 };
	struct qr_tree t;
	struct qr_err e;

	CHECK(plan(p, 4, &t, &e) == 0);
	CHECK_U64(t.n, 4);
	for (size_t k = 0; k < 4; k++)
		CHECK_U64(p[t.order[k]].pid, want[k]);
	CHECK(t.parent[0] == -1);
	CHECK(t.parent[1] == 0 && t.parent[3] == 0);
	CHECK(t.parent[2] == index_of(p, 4, 201));
	CHECK_U64(t.action[0], QR_TREE_SETSID);
	CHECK_U64(t.action[3], QR_TREE_NEWGROUP);
	CHECK_U64(t.action[2], QR_TREE_KEEP);
	CHECK_U64(t.action[1], QR_TREE_JOIN);
	qr_tree_free(&t);
}

TEST(tree_plan_roots_outside)
{
	/* Two unrelated roots in a shell's session and group (leaders not
	 * checkpointed): they stay in the restorer's; one leads a group the
	 * other's child joins. */
	static const struct qr_tree_proc p[] = {
		{ 300, 10, 10, 5 },
		{ 301, 10, 301, 5 },
		{ 302, 300, 301, 5 },
	};
	struct qr_tree t;
	struct qr_err e;

	CHECK(plan(p, 3, &t, &e) == 0);
	CHECK_U64(t.action[0], QR_TREE_KEEP);
	CHECK_U64(t.action[1], QR_TREE_NEWGROUP);
	CHECK_U64(t.action[2], QR_TREE_JOIN);
	CHECK_U64(p[t.order[0]].pid, 301);
	qr_tree_free(&t);
	CHECK(plan(p, 0, &t, &e) == 0);
	qr_tree_free(&t);
}

/* A shell's pipeline whose first command (the group's leader, 9) exited
 * and was reaped: 701 is made in group 9 by a helper, 702 joins it, 703
 * (701's child) is in its parent's group. A root in such a group stays in
 * the restorer's. */
TEST(tree_plan_group_leader_gone)
{
	static const struct qr_tree_proc pipeline[] = {
		{ 700, 1, 700, 700 }, { 701, 700, 9, 700 },
		{ 702, 700, 9, 700 }, { 703, 701, 9, 700 },
		{ 710, 1, 8, 5 },
	};
	struct qr_tree t;
	struct qr_err e;

	CHECK(plan(pipeline, 5, &t, &e) == 0);
	CHECK(t.action[1] == QR_TREE_HELPED);
	CHECK(t.action[2] == QR_TREE_JOIN);
	CHECK(t.action[3] == QR_TREE_KEEP);
	CHECK(t.action[4] == QR_TREE_KEEP);
	qr_tree_free(&t);
}

/* A server S whose child K made D and E, then called setsid(): D stayed
 * in S's session and group, E in S's session leads a group of its own;
 * K's later child F is in K's session. D and E are made by K before its
 * setsid(). */
TEST(tree_plan_session_left)
{
	static const struct qr_tree_proc left[] = {
		{ 1000, 1, 1000, 1000 }, { 1001, 1000, 1001, 1001 },
		{ 1002, 1001, 1000, 1000 }, { 1003, 1001, 1003, 1000 },
		{ 1004, 1001, 1001, 1001 },
	};
	/* 1102's session 1099 is none of those. */
	static const struct qr_tree_proc stray[] = {
		{ 1100, 1, 1100, 1100 }, { 1101, 1100, 1101, 1101 },
		{ 1102, 1101, 1100, 1099 },
	};
	struct qr_tree t;
	struct qr_err e;

	CHECK(plan(left, 5, &t, &e) == 0);
	CHECK(t.early[2] && t.action[2] == QR_TREE_KEEP);
	CHECK(t.early[3] && t.action[3] == QR_TREE_NEWGROUP);
	CHECK(!t.early[4] && t.action[4] == QR_TREE_KEEP);
	CHECK(!t.early[1] && t.action[1] == QR_TREE_SETSID);
	qr_tree_free(&t);
	CHECK(plan(stray, 3, &t, &e) == -1);
	CHECK(strstr(e.msg, "process 1102: session 1099"));
}

TEST(tree_plan_refusals)
{
	static const struct qr_tree_proc leader_not_group[] = {
		{ 400, 1, 1, 400 },
	};
	/* 501's session leader 500 is checkpointed but not its parent. */
	static const struct qr_tree_proc foreign_session[] = {
		{ 500, 1, 500, 500 }, { 501, 1, 501, 500 },
	};
	/* 601 joins the group its own child leads: created after it. */
	static const struct qr_tree_proc later_group[] = {
		{ 600, 1, 600, 600 }, { 601, 600, 602, 600 },
		{ 602, 601, 602, 600 },
	};
	static const struct qr_tree_proc loop[] = {
		{ 800, 801, 800, 800 }, { 801, 800, 800, 800 },
	};
	static const struct qr_tree_proc twice[] = {
		{ 900, 1, 900, 900 }, { 900, 1, 900, 900 },
	};
	struct qr_tree t;
	struct qr_err e;

	CHECK(plan(leader_not_group, 1, &t, &e) == -1);
	CHECK(strstr(e.msg, "leads session 400 but is in group 1"));
	CHECK(t.order == NULL);
	CHECK(plan(foreign_session, 2, &t, &e) == -1);
	CHECK(strstr(e.msg, "process 501: session 500"));
	CHECK(plan(later_group, 3, &t, &e) == -1);
	CHECK(strstr(e.msg, "process 601: group 602 cannot be entered"));
	CHECK(plan(loop, 2, &t, &e) == -1);
	CHECK(strstr(e.msg, "parents form a loop"));
	CHECK(plan(twice, 2, &t, &e) == -1);
	CHECK(strstr(e.msg, "listed twice"));
}

static int parse_restart(const struct qri_thread_restart *rs, struct qri_image *img,
			 struct qr_err *e)
{
	static unsigned char regs[QRI_REGS_SIZE];
	struct qri_process p = { .pid = 50, .ppid = 1, .pgid = 50, .sid = 50 };
	struct qri_thread t = { .pid = 50, .tid = 50, .regs_len = QRI_REGS_SIZE };
	struct qri_writer w;
	int rc;

	qri_writer_init(&w, "test");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, NULL);
	qri_add_thread_restart(&w, rs);
	CHECK(qri_finish(&w) == 0);
	rc = qri_parse(w.buf, w.len, img, e);
	qri_writer_free(&w);
	return rc;
}

TEST(image_thread_restart_record)
{
	struct qri_thread_restart rs = { .pid = 50, .tid = 50,
		.kind = QRI_RESTART_NANOSLEEP, .clockid = QRI_CLOCK_MONOTONIC,
		.left_ns = 123, .rmtp = 0x1000 };
	struct qri_image img;
	struct qr_err e;

	CHECK(parse_restart(&rs, &img, &e) == 0);
	CHECK(img.procs[0].threads[0].restart != NULL);
	CHECK_U64(img.procs[0].threads[0].restart->left_ns, 123);
	qri_free(&img);
	rs.clockid = QRI_CLOCK_REALTIME;
	CHECK(parse_restart(&rs, &img, &e) == -1);	/* realtime carries the expiry */
	CHECK(strstr(e.msg, "is not a sleep"));
	rs.left_ns = 0;
	rs.realtime_ns = 1700000000000000000ull;
	CHECK(parse_restart(&rs, &img, &e) == 0);
	qri_free(&img);
	rs.clockid = 2;		/* a CPU clock: never carried */
	CHECK(parse_restart(&rs, &img, &e) == -1);
	rs.clockid = QRI_CLOCK_REALTIME;
	rs.rmtp = QRI_USER_LIMIT;
	CHECK(parse_restart(&rs, &img, &e) == -1);
	CHECK(strstr(e.msg, "not a user address"));
	rs.rmtp = 0;
	rs.tid = 51;
	CHECK(parse_restart(&rs, &img, &e) == -1);
	CHECK(strstr(e.msg, "no thread record before it"));
	rs.tid = 50;
	rs.kind = 7;
	CHECK(parse_restart(&rs, &img, &e) == -1);
	CHECK(strstr(e.msg, "unknown kind"));
}

/* Where the stub jumps back: returns to the test's call. */
__asm__(".text\n.globl qr_test_land\nqr_test_land:\n\tret\n");
extern const char qr_test_land[];

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

TEST(restart_sleep_stub_runs)
{
	struct user_regs_struct r = {
		.orig_rax = 35, .rax = (unsigned long long)-516,
		.rdi = 0x1111, .rsi = 0x2222, .rdx = 0x3333, .r10 = 0x4444,
		.rip = (uintptr_t)qr_test_land,
	};
	struct qri_thread_restart rs = { .kind = QRI_RESTART_NANOSLEEP,
		.clockid = QRI_CLOCK_MONOTONIC, .left_ns = 30000000 };
	uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	register uint64_t r10 __asm__("r10");
	uint64_t di, si, dx, r10_after;
	int64_t t0;
	long ax;

	CHECK(page != MAP_FAILED);
	CHECK(qr_restart_sleep(&r, &rs, page, (uintptr_t)page, 0) == QR_RESTART_SLEEP);
	CHECK_U64(r.rip, (uintptr_t)page);
	CHECK(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0);
	t0 = mono_ns();
	/* Below the red zone: the call pushes a return address. */
	__asm__ volatile("sub $128, %%rsp\n\t"
			 "call *%[stub]\n\t"
			 "add $128, %%rsp"
			 : "=a"(ax), "=D"(di), "=S"(si), "=d"(dx), "=r"(r10)
			 : [stub] "r"(page)
			 : "rcx", "r11", "memory");
	r10_after = r10;	/* before any call clobbers it */
	CHECK(mono_ns() - t0 >= 30000000);
	CHECK_U64(ax, 0);
	CHECK_U64(di, 0x1111);
	CHECK_U64(si, 0x2222);
	CHECK_U64(dx, 0x3333);
	CHECK_U64(r10_after, 0x4444);
	munmap(page, 4096);
}

TEST(restart_sleep_only_for_restart_block)
{
	struct user_regs_struct r = { .orig_rax = 35, .rax = (unsigned long long)-514 };
	struct qri_thread_restart rs = { .kind = QRI_RESTART_NANOSLEEP,
		.clockid = QRI_CLOCK_REALTIME, .realtime_ns = 5000000000 };
	uint8_t stub[QR_SLEEP_STUB_LEN];
	int64_t ts[2];

	CHECK(qr_restart_sleep(&r, &rs, stub, 0x1000, 0) == QR_RESTART_NONE);
	r.rax = (unsigned long long)-516;
	r.orig_rax = (unsigned long long)-1;
	CHECK(qr_restart_sleep(&r, &rs, stub, 0x1000, 0) == QR_RESTART_NONE);
	r.orig_rax = 230;
	/* Realtime: the expiry less now, never below 0. */
	CHECK(qr_restart_sleep(&r, &rs, stub, 0x1000, 3500000000) == QR_RESTART_SLEEP);
	memcpy(ts, stub + 96, sizeof(ts));
	CHECK_U64(ts[0], 1);
	CHECK_U64(ts[1], 500000000);
	CHECK(qr_restart_sleep(&r, &rs, stub, 0x1000, 9000000000) == QR_RESTART_SLEEP);
	memcpy(ts, stub + 96, sizeof(ts));
	CHECK_U64(ts[0], 0);
	CHECK_U64(ts[1], 0);
}

static int parse_zombie(const struct qri_zombie *z, struct qri_image *img,
			struct qr_err *e)
{
	static unsigned char regs[QRI_REGS_SIZE];
	struct qri_process p = { .pid = 60, .ppid = 1, .pgid = 60, .sid = 60 };
	struct qri_thread t = { .pid = 60, .tid = 60, .regs_len = QRI_REGS_SIZE };
	struct qri_writer w;
	int rc;

	qri_writer_init(&w, "test");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, NULL);
	qri_add_zombie(&w, z);
	CHECK(qri_finish(&w) == 0);
	rc = qri_parse(w.buf, w.len, img, e);
	qri_writer_free(&w);
	return rc;
}

TEST(image_zombie_record)
{
	struct qri_zombie z = { .pid = 61, .ppid = 60, .pgid = 60, .sid = 60,
				.status = 9 << 8, .comm = "gone" };
	struct qri_image img;
	struct qr_err e;

	CHECK(parse_zombie(&z, &img, &e) == 0);
	CHECK_U64(img.nzombies, 1);
	CHECK_U64(img.zombies[0].status, 0x900);
	qri_free(&img);
	z.status = 0x80 | 11;	/* SIGSEGV, core dumped */
	CHECK(parse_zombie(&z, &img, &e) == 0);
	qri_free(&img);
	z.status = 0x137f;	/* stopped: not an end */
	CHECK(parse_zombie(&z, &img, &e) == -1);
	CHECK(strstr(e.msg, "status 0x137f"));
	z.status = 0;
	z.ppid = 70;		/* its parent must be in the image */
	CHECK(parse_zombie(&z, &img, &e) == -1);
	CHECK(strstr(e.msg, "pid 70 has no process record"));
	z.ppid = 60;
	z.pid = 60;		/* a PID once */
	CHECK(parse_zombie(&z, &img, &e) == -1);
	CHECK(strstr(e.msg, "listed twice"));
}
