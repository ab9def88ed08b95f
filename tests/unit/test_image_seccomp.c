/* Seccomp filters in the image: a tree of filters shared by threads comes
 * back as written, each thread's chain planned oldest first for the
 * restorer; what the kernel would refuse to install, or bounds a hostile
 * image could break, is refused by the reader; a filter that can hand a
 * call to a listener is refused at capture. */
#include <stdlib.h>

#include "checkpoint/seccomp.h"
#include "image/image.h"
#include "restore/seccomp.h"
#include "restorer/restorer.h"
#include "image_test.h"
#include "test.h"

static uint8_t regs[QRI_REGS_SIZE];

#define LD_NR 0x0000000000000020ull
#define RET(k) (0x0000000000000006ull | (uint64_t)(k) << 32)
#define JEQ(k, jt, jf) (0x15ull | (uint64_t)(jt) << 16 | (uint64_t)(jf) << 24 | \
			(uint64_t)(k) << 32)

static const uint64_t deny_socket[] = { LD_NR, JEQ(41, 0, 1), RET(0x0005000d),
					RET(0x7fff0000) };
static const uint64_t kill_mount[] = { LD_NR, JEQ(165, 1, 0), RET(0x7fff0000),
				       RET(0x80000000) };

static void proc(struct qri_writer *w)
{
	struct qri_process p = { .pid = 9, .comm = "sc" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };

	qri_writer_init(w, "test");
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	t.tid = 10;
	qri_add_thread(w, &t, regs, NULL);
}

static void filter(struct qri_writer *w, uint32_t id, uint32_t prev,
		   uint32_t flags, const uint64_t *insns, uint32_t n)
{
	struct qri_seccomp_filter f = { .pid = 9, .id = id, .prev = prev,
					 .flags = flags, .ninsns = n };

	qri_add_raw(w, QRI_SECCOMP_FILTER, 0, &f, sizeof(f), insns, n * 8);
}

static void thread(struct qri_writer *w, uint32_t tid, uint32_t top)
{
	struct qri_thread_seccomp t = { .pid = 9, .tid = tid, .top = top };

	qri_add_raw(w, QRI_THREAD_SECCOMP, 0, &t, sizeof(t), NULL, 0);
}

static int parse(struct qri_writer *w, struct qri_image *img, struct qr_err *e)
{
	CHECK(!qri_finish(w));
	return qri_parse(w->buf, w->len, img, e);
}

TEST(image_seccomp_round_trip_and_plan)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e = { "" };
	const struct qri_proc_img *p;
	struct qr_rst_args *a;
	const struct qr_rst_filter *f;
	uint8_t *room;

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, QRI_SECCOMP_LOG, deny_socket, 4);
	filter(&w, 1, 0, 0, kill_mount, 4);
	thread(&w, 9, 0);
	thread(&w, 10, 1);
	CHECK(parse(&w, &img, &e) == 0);
	p = &img.procs[0];
	CHECK_U64(p->nfilters, 2);
	CHECK_U64(p->filters[1].depth, 2);
	CHECK_U64(p->filters[1].path, 16);
	CHECK_U64(p->filters[0].f.flags, QRI_SECCOMP_LOG);
	CHECK(!memcmp(p->filters[1].insns, kill_mount, sizeof(kill_mount)));
	CHECK_U64(p->threads[0].seccomp->top, 0);
	CHECK_U64(p->threads[1].seccomp->top, 1);

	/* Thread 10 first in the blob: its chain is both, oldest first;
	 * thread 9's the first only, the same program. */
	a = calloc(1, sizeof(*a));
	room = calloc(1, qr_restore_seccomp_len(p));
	CHECK_U64(qr_restore_seccomp_len(p), 3 * sizeof(*f) + 64);
	a->nthreads = 2;
	a->threads[0].tid = 10;
	a->threads[1].tid = 9;
	CHECK(qr_restore_plan_seccomp(a, room, p) == 0);
	f = (const struct qr_rst_filter *)(uintptr_t)a->filters;
	CHECK_U64(a->threads[0].seccomp_first, 0);
	CHECK_U64(a->threads[0].seccomp_count, 2);
	CHECK_U64(a->threads[1].seccomp_first, 2);
	CHECK_U64(a->threads[1].seccomp_count, 1);
	CHECK_U64(f[0].flags, QRI_SECCOMP_LOG);
	CHECK_U64(f[1].flags, 0);
	CHECK(!memcmp((void *)(uintptr_t)f[0].insns, deny_socket, sizeof(deny_socket)));
	CHECK(!memcmp((void *)(uintptr_t)f[1].insns, kill_mount, sizeof(kill_mount)));
	CHECK_U64(f[2].insns, f[0].insns);
	CHECK_U64(f[1].len, 4);
	free(room);
	free(a);
	qri_free(&img);
	qri_writer_free(&w);
}

TEST(image_seccomp_refused)
{
	static uint64_t big[QRI_MAX_BPF_INSNS + 1];
	static const uint64_t jump_out[] = { LD_NR, JEQ(1, 2, 0), RET(0x7fff0000) };
	static const uint64_t no_ret[] = { LD_NR, RET(0x7fff0000), LD_NR };
	struct qri_writer w;

	proc(&w);
	filter(&w, 1, QRI_SECCOMP_NONE, 0, deny_socket, 4);
	qrt_image_refused(&w, "is not its next");

	proc(&w);
	filter(&w, 0, 0, 0, deny_socket, 4);
	qrt_image_refused(&w, "not an earlier one");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0x4, deny_socket, 4);
	qrt_image_refused(&w, "unknown flags");

	for (size_t i = 0; i < QRI_MAX_BPF_INSNS + 1; i++)
		big[i] = RET(0x7fff0000);
	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, big, QRI_MAX_BPF_INSNS + 1);
	qrt_image_refused(&w, "or are more than 4096");

	proc(&w);
	{
		struct qri_seccomp_filter f = { .pid = 9, .prev = QRI_SECCOMP_NONE,
						.ninsns = 5 };

		qri_add_raw(&w, QRI_SECCOMP_FILTER, 0, &f, sizeof(f), deny_socket, 32);
	}
	qrt_image_refused(&w, "do not fill the record");

	/* Eight filters of 4096: past the kernel's path limit. */
	proc(&w);
	for (uint32_t i = 0; i < 8; i++)
		filter(&w, i, i ? i - 1 : QRI_SECCOMP_NONE, 0, big, QRI_MAX_BPF_INSNS);
	qrt_image_refused(&w, "more than the kernel takes");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, jump_out, 3);
	qrt_image_refused(&w, "a jump out of the program");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, no_ret, 3);
	qrt_image_refused(&w, "no return at its end");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, deny_socket, 4);
	thread(&w, 9, 1);
	qrt_image_refused(&w, "is not one of its process's 1");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, deny_socket, 4);
	thread(&w, 11, 0);
	qrt_image_refused(&w, "has no thread record before it");

	proc(&w);
	filter(&w, 0, QRI_SECCOMP_NONE, 0, deny_socket, 4);
	thread(&w, 9, 0);
	thread(&w, 9, 0);
	qrt_image_refused(&w, "has a second one");
}

TEST(seccomp_listener_refused)
{
	static const uint64_t notif[] = { LD_NR, JEQ(2, 0, 1), RET(0x7fc00000),
					  RET(0x7fff0000) };
	static const uint64_t ret_a[] = { LD_NR, 0x16 };	/* ret a */

	CHECK(qr_seccomp_program_refused(deny_socket, 4) == NULL);
	CHECK(qr_seccomp_program_refused(kill_mount, 4) == NULL);
	CHECK_HAS(qr_seccomp_program_refused(notif, 4), "SECCOMP_RET_USER_NOTIF");
	CHECK_HAS(qr_seccomp_program_refused(ret_a, 2), "computed action");
}
