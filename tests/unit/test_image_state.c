/* The image's per-process kernel state records (memory fields, signals,
 * resource limits, a thread's signals, POSIX timers): what the writer puts
 * in, the reader gives back; anything the kernel could not have given is
 * refused. */
#include <stdlib.h>

#include "image/image.h"
#include "restore/timers.h"
#include "image_test.h"
#include "test.h"

static uint8_t regs[QRI_REGS_SIZE];

static void proc(struct qri_writer *w)
{
	struct qri_process p = { .pid = 9, .comm = "sig" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };

	qri_writer_init(w, "test");
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	t.tid = 10;
	qri_add_thread(w, &t, regs, NULL);
}

static struct qri_siginfo info(int32_t signo, int32_t code, int32_t value)
{
	struct qri_siginfo i = { { 0 } };

	memcpy(i.b, &signo, 4);
	memcpy(i.b + 8, &code, 4);
	memcpy(i.b + 24, &value, 4);	/* si_value, after si_pid and si_uid */
	return i;
}

static int parse(struct qri_writer *w, struct qri_image *img, struct qr_err *e)
{
	CHECK(!qri_finish(w));
	return qri_parse(w->buf, w->len, img, e);
}

static struct qri_signals *sample_signals(void)
{
	struct qri_signals *s = calloc(1, sizeof(*s));

	s->pid = 9;
	s->actions[10 - 1] = (struct qri_sigaction) {
		.handler = 0x401000, .flags = 0x4000004, .restorer = 0x402000,
		.mask = 1 << 11 };
	s->actions[15 - 1].handler = 1;	/* SIGTERM ignored */
	s->itimers[QRI_ITIMER_REAL] = (struct qri_itimer) {
		.interval_usec = 500000, .value_usec = 123456 };
	return s;
}

TEST(image_state_round_trip)
{
	uint8_t auxv[32] = { 6, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	struct qri_mm m = { .pid = 9, .auxv_len = 32,
			    .start_code = 0x400000, .end_code = 0x500000,
			    .start_brk = 0x600000, .brk = 0x601000 };
	struct qri_rlimit lim[3] = { { 1, 2 }, { 5, UINT64_MAX },
				     { UINT64_MAX, UINT64_MAX } };
	struct qri_thread_signals ts = { .pid = 9, .tid = 10,
					 .ss_sp = 0x700000, .ss_size = 0x4000,
					 .ss_flags = QRI_SS_AUTODISARM,
					 .nr_pending = 1, .pdeath_signal = 1 };
	struct qri_siginfo sh[2] = { info(12, -1, 42), info(34, -1, 7) };
	struct qri_siginfo own = info(10, 0, 0);
	struct qri_signals *s = sample_signals();
	const struct qri_proc_img *p;
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	proc(&w);
	qri_add_mm(&w, &m, auxv, "/bin/abc");
	s->nr_pending = 2;
	s->child_subreaper = 1;
	s->membarrier = QRI_MEMBARRIER_PRIVATE_EXPEDITED | QRI_MEMBARRIER_RSEQ;
	qri_add_signals(&w, s, sh);
	qri_add_rlimits(&w, 9, lim, 3);
	qri_add_thread_signals(&w, &ts, &own);
	CHECK(parse(&w, &img, &e) == 0);
	p = &img.procs[0];
	CHECK(p->mm != NULL);
	CHECK_STR(p->mm->exe, "/bin/abc");
	CHECK_U64(p->mm->m.brk, 0x601000);
	CHECK_U64(p->mm->auxv[8], 0x10);
	CHECK(p->sig != NULL);
	CHECK_U64(p->sig->actions[9].handler, 0x401000);
	CHECK_U64(p->sig->actions[9].mask, 1 << 11);
	CHECK_U64(p->sig->actions[14].handler, 1);
	CHECK_U64(p->sig->itimers[0].interval_usec, 500000);
	CHECK_U64(p->sig->nr_pending, 2);
	CHECK_U64(p->sig->child_subreaper, 1);
	CHECK_U64(p->sig->membarrier, QRI_MEMBARRIER_PRIVATE_EXPEDITED | QRI_MEMBARRIER_RSEQ);
	CHECK_U64(p->threads[1].sig ? p->threads[1].sig->pdeath_signal : 0, 1);
	CHECK(!memcmp(&p->pending[1], &sh[1], sizeof(sh[1])));
	CHECK_U64(p->nrlimits, 3);
	CHECK_U64(p->rlimits[1].max, UINT64_MAX);
	CHECK(p->threads[0].sig == NULL);
	CHECK(p->threads[1].sig != NULL);
	CHECK_U64(p->threads[1].sig->ss_sp, 0x700000);
	/* Restore takes every thread's sigaltstack from its thread record. */
	CHECK_U64(p->threads[1].t.sigaltstack_size, 0x4000);
	CHECK_U64(p->threads[1].t.sigaltstack_flags, QRI_SS_AUTODISARM);
	CHECK_U64(p->threads[1].sig->nr_pending, 1);
	CHECK(!memcmp(&p->threads[1].pending[0], &own, sizeof(own)));
	qri_free(&img);
	qri_writer_free(&w);

	/* All of them are optional, and an mm record needs no executable. */
	proc(&w);
	m.auxv_len = 0;
	qri_add_mm(&w, &m, NULL, NULL);
	CHECK(parse(&w, &img, &e) == 0);
	CHECK(img.procs[0].mm->exe == NULL && img.procs[0].sig == NULL &&
	      img.procs[0].rlimits == NULL);
	qri_free(&img);
	qri_writer_free(&w);
	free(s);
}

TEST(image_mm_refused)
{
	uint8_t tail[32 + 8] = { 0 };
	struct qri_mm m = { .pid = 9, .auxv_len = 32, .exe_len = 8,
			    .start_brk = 0x600000, .brk = 0x601000 };
	struct qri_writer w;

	proc(&w);
	m.brk = 0x500000;
	qri_add_mm(&w, &m, tail, "/bin/abc");
	qrt_image_refused(&w, "fields out of order");

	m.brk = 0x601000;
	proc(&w);
	qri_add_mm(&w, &m, tail, "bin/abcd");
	qrt_image_refused(&w, "executable is not an absolute path");

	proc(&w);
	memcpy(tail + 24, "/bin/abc", 8);
	m.auxv_len = 24;
	qri_add_raw(&w, QRI_MM, 0, &m, sizeof(m), tail, 32);
	qrt_image_refused(&w, "auxv of 24 bytes");

	proc(&w);
	m.auxv_len = 32;
	m.env_end = QRI_USER_LIMIT;
	qri_add_mm(&w, &m, tail, NULL);
	qrt_image_refused(&w, "is not a user address");

	proc(&w);
	m.env_end = 0;
	qri_add_mm(&w, &m, tail, NULL);
	qri_add_mm(&w, &m, tail, NULL);
	qrt_image_refused(&w, "has a second one");

	/* The first checkpoint code flagged it optional: read all the same. */
	{
		struct qri_image img;
		struct qr_err e;

		proc(&w);
		m.exe_len = 0;
		qri_add_raw(&w, QRI_MM, QRI_REC_OPTIONAL, &m, sizeof(m), tail, 32);
		CHECK(parse(&w, &img, &e) == 0);
		CHECK(img.procs[0].mm != NULL && img.skipped == 0);
		qri_free(&img);
		qri_writer_free(&w);
	}
}

TEST(image_signals_refused)
{
	struct qri_signals *s = sample_signals();
	struct qri_siginfo bad = info(9, 0, 0);
	struct qri_writer w;

	proc(&w);
	s->actions[9 - 1].handler = 0x401000;
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "the action of signal 9");

	s->actions[9 - 1].handler = 0;
	s->actions[3].handler = QRI_USER_LIMIT;
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "the action of signal 4");

	s->actions[3].handler = 0;
	s->itimers[QRI_ITIMER_PROF].value_usec = 1000000;
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "not a valid itimerval");

	s->itimers[QRI_ITIMER_PROF].value_usec = 0;
	s->nr_pending = 1;
	proc(&w);
	qri_add_signals(&w, s, &bad);
	qrt_image_refused(&w, "pending signal 9 cannot be queued");

	proc(&w);
	qri_add_raw(&w, QRI_SIGNALS, 0, s, sizeof(*s), NULL, 0);
	qrt_image_refused(&w, "1 pending signals do not fill the record");

	s->nr_pending = 0;
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "has a second one");

	s->child_subreaper = 2;
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "child subreaper 2 or membarrier registrations 0x0 not known");

	s->child_subreaper = 0;
	s->membarrier = 1;	/* MEMBARRIER_CMD_GLOBAL: not a registration */
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "membarrier registrations 0x1 not known");

	/* Written before the fields were appended: they read as 0. */
	s->membarrier = QRI_MEMBARRIER_RSEQ;
	proc(&w);
	qri_add_raw(&w, QRI_SIGNALS, 0, s, offsetof(struct qri_signals, child_subreaper),
		    NULL, 0);
	{
		struct qri_image img;
		struct qr_err e;

		CHECK(parse(&w, &img, &e) == 0);
		CHECK(img.procs[0].sig && !img.procs[0].sig->membarrier);
		qri_free(&img);
		qri_writer_free(&w);
	}

	s->membarrier = 0;
	s->pid = 77;
	proc(&w);
	qri_add_signals(&w, s, NULL);
	qrt_image_refused(&w, "pid 77 has no process record before it");
	free(s);
}

TEST(image_rlimits_refused)
{
	struct qri_rlimit lim[2] = { { 1, 2 }, { 3, 2 } };
	struct qri_writer w;

	proc(&w);
	qri_add_rlimits(&w, 9, lim, 2);
	qrt_image_refused(&w, "limit 1 is above its maximum");

	proc(&w);
	qri_add_raw(&w, QRI_RLIMITS, 0, &(struct qri_rlimits) { 9, 2 }, 8, lim, 16);
	qrt_image_refused(&w, "2 limits do not fill the record");

	proc(&w);
	qri_add_rlimits(&w, 9, lim, 1);
	qri_add_rlimits(&w, 9, lim, 1);
	qrt_image_refused(&w, "has a second one");
}

TEST(image_thread_signals_refused)
{
	struct qri_thread_signals ts = { .pid = 9, .tid = 11,
					 .ss_flags = QRI_SS_DISABLE };
	struct qri_siginfo rt = info(64, -1, 0), zero = info(0, 0, 0);
	struct qri_writer w;

	proc(&w);
	qri_add_thread_signals(&w, &ts, NULL);
	qrt_image_refused(&w, "tid 11 has no thread record before it");

	ts.tid = 10;
	ts.ss_size = 4096;
	proc(&w);
	qri_add_thread_signals(&w, &ts, NULL);
	qrt_image_refused(&w, "alternate signal stack");

	ts.ss_flags = 0;
	ts.ss_sp = QRI_USER_LIMIT - 4095;
	proc(&w);
	qri_add_thread_signals(&w, &ts, NULL);
	qrt_image_refused(&w, "alternate signal stack");

	ts.ss_sp = 0x1000;
	ts.ss_flags = 4;
	proc(&w);
	qri_add_thread_signals(&w, &ts, NULL);
	qrt_image_refused(&w, "flags 0x4 is not valid");

	ts.ss_flags = QRI_SS_ONSTACK;
	ts.nr_pending = 1;
	proc(&w);
	qri_add_thread_signals(&w, &ts, &zero);
	qrt_image_refused(&w, "pending signal 0 cannot be queued");

	proc(&w);
	qri_add_thread_signals(&w, &ts, &rt);
	qri_add_thread_signals(&w, &ts, &rt);
	qrt_image_refused(&w, "tid 10 has a second one");

	ts.pdeath_signal = 65;
	proc(&w);
	qri_add_thread_signals(&w, &ts, &rt);
	qrt_image_refused(&w, "tid 10: parent-death signal 65 is not a signal");
}

TEST(image_timers)
{
	struct qri_posix_timer t[3] = {
		{ .id = 0, .clock = QRI_CLOCK_MONOTONIC, .notify = QRI_SIGEV_SIGNAL,
		  .signo = 35, .sigev_value = 0x4242, .value_ns = 5000,
		  .interval_ns = 50000000 },
		{ .id = 2, .clock = QRI_CLOCK_REALTIME, .notify = QRI_SIGEV_NONE },
		{ .id = 3, .clock = QRI_CLOCK_BOOTTIME,
		  .notify = QRI_SIGEV_THREAD_ID, .signo = 36, .value_ns = 1 },
	};
	struct qri_timers h = { .pid = 9, .count = 3, .realtime_ns = 77,
				.next_id = 6 };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	proc(&w);
	qri_add_timers(&w, &h, t);
	CHECK(parse(&w, &img, &e) == 0);
	CHECK(img.procs[0].timers && img.procs[0].timers->count == 3);
	CHECK_U64(img.procs[0].timers->realtime_ns, 77);
	CHECK_U64(img.procs[0].timer[2].id, 3);
	CHECK_U64(img.procs[0].timer[0].sigev_value, 0x4242);
	qri_free(&img);
	qri_writer_free(&w);

	t[1].id = 0;
	proc(&w);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "timer id 0 out of order");

	t[1].id = 2;
	t[2].clock = 2;		/* CLOCK_PROCESS_CPUTIME_ID */
	proc(&w);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "timer 3 (clock 2, notify 4, signal 36) is not one restore makes");

	t[2].clock = QRI_CLOCK_BOOTTIME;
	t[2].notify = 2;	/* SIGEV_THREAD */
	proc(&w);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "is not one restore makes");

	t[2].notify = QRI_SIGEV_SIGNAL;
	t[2].signo = 0;
	proc(&w);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "is not one restore makes");

	t[2].signo = 36;
	h.next_id = 3;
	proc(&w);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "next timer id 3 is not above timer 3");

	h.next_id = 6;
	h.count = 4;
	proc(&w);
	qri_add_raw(&w, QRI_TIMERS, 0, &h, sizeof(h), t, sizeof(t));
	qrt_image_refused(&w, "4 timers do not fill the record");

	h.count = 3;
	proc(&w);
	qri_add_timers(&w, &h, t);
	qri_add_timers(&w, &h, t);
	qrt_image_refused(&w, "has a second one");
}

TEST(restore_timer_left)
{
	struct qri_posix_timer one = { .value_ns = 1000 };
	struct qri_posix_timer per = { .value_ns = 100, .interval_ns = 1000 };
	struct qri_posix_timer off = { .interval_ns = 1000 };

	CHECK_U64(qr_timer_left(&one, 400), 600);
	CHECK_U64(qr_timer_left(&one, 1000), 1);	/* due: fires at once */
	CHECK_U64(qr_timer_left(&one, 5000), 1);
	CHECK_U64(qr_timer_left(&per, 50), 50);
	CHECK_U64(qr_timer_left(&per, 100), 1000);	/* on its next period */
	CHECK_U64(qr_timer_left(&per, 2350), 750);
	CHECK_U64(qr_timer_left(&off, 5000), 0);	/* disarmed stays so */
}
