/* Credentials, scheduling and memory advice: the /proc parsers the
 * capture and check use, and the image records that carry them (what the
 * writer puts in, the reader gives back; anything the kernel could not
 * have given is refused). */
#include <stdlib.h>

#include "checkpoint/creds.h"
#include "image/image.h"
#include "image_test.h"
#include "test.h"

static const char status61[] =
	"Name:\tcr-carry\nUmask:\t0022\nState:\tS (sleeping)\n"
	"Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n"
	"FDSize:\t64\nGroups:\t10 20 30 \nNStgid:\t1001\n"
	"CapInh:\t0000000000000401\nCapPrm:\t0000000000002400\n"
	"CapEff:\t0000000000000400\nCapBnd:\t000001ffffbeffff\n"
	"CapAmb:\t0000000000000400\nNoNewPrivs:\t1\nSeccomp:\t0\n"
	"Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tthread vulnerable\n"
	"THP_enabled:\t0\nCpus_allowed:\t1\n";

TEST(carry_status_creds)
{
	struct qr_creds c;
	struct qr_err e = { "" };

	CHECK(!qr_status_creds(status61, &c, &e));
	CHECK_U64(c.cap_inh, 0x401);
	CHECK_U64(c.cap_prm, 0x2400);
	CHECK_U64(c.cap_eff, 0x400);
	CHECK_U64(c.cap_bnd, 0x1ffffbeffffull);
	CHECK_U64(c.cap_amb, 0x400);
	CHECK_U64(c.no_new_privs, 1);
	CHECK_U64(c.seccomp, 0);
	CHECK_U64(c.thp_enabled, 0);
	CHECK_U64(c.ngroups, 3);
	CHECK_U64(c.groups[2], 30);
	qr_creds_free(&c);
}

TEST(carry_status_creds_edges)
{
	struct qr_creds c;
	struct qr_err e = { "" };
	char buf[sizeof(status61) + 64];

	/* No groups, no THP_enabled or Seccomp_filters line (older kernels). */
	CHECK(!qr_status_creds("Groups:\t\nCapInh:\t0000000000000000\n"
			       "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
			       "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
			       "NoNewPrivs:\t0\nSeccomp:\t2\n", &c, &e));
	CHECK_U64(c.ngroups, 0);
	CHECK_U64(c.seccomp, 2);
	CHECK(c.thp_enabled == -1);
	qr_creds_free(&c);
	/* Effective outside permitted: not what a kernel shows. */
	strcpy(buf, status61);
	memcpy(strstr(buf, "CapEff:\t") + 8, "0000000000000800", 16);
	CHECK(qr_status_creds(buf, &c, &e) == -1);
	CHECK_HAS(e.msg, "out of order");
	qr_creds_free(&c);
	strcpy(buf, status61);
	memcpy(strstr(buf, "CapInh:\t") + 8, "00000000000004x1", 16);
	CHECK(qr_status_creds(buf, &c, &e) == -1);
	CHECK_HAS(e.msg, "Cap");
	qr_creds_free(&c);
	strcpy(buf, status61);
	memcpy(strstr(buf, "Groups:\t") + 8, "1x", 2);
	CHECK(qr_status_creds(buf, &c, &e) == -1);
	CHECK_HAS(e.msg, "Groups");
	qr_creds_free(&c);
	strcpy(buf, status61);
	*strstr(buf, "NoNewPrivs:\t1") = 'X';
	CHECK(qr_status_creds(buf, &c, &e) == -1);
	CHECK_HAS(e.msg, "NoNewPrivs");
	qr_creds_free(&c);
}

TEST(carry_cred_lines)
{
	char a[1024], b[1024], t[sizeof(status61)];

	qr_status_cred_lines(status61, a, sizeof(a));
	CHECK(strstr(a, "CapEff:0000000000000400\n") != NULL);
	CHECK(strstr(a, "Groups:10 20 30 \n") != NULL);
	strcpy(t, status61);
	memcpy(strstr(t, "CapEff:\t") + 8, "0000000000000000", 16);
	qr_status_cred_lines(t, b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	/* State and the like are not credentials. */
	strcpy(t, status61);
	memcpy(strstr(t, "State:\t") + 7, "R", 1);
	qr_status_cred_lines(t, b, sizeof(b));
	CHECK_STR(b, a);
}

TEST(carry_vmflags)
{
	const char *why;

	CHECK_U64(qr_vmflags_advice(" rd wr mr mw me ac sd \n", &why), 0);
	CHECK(why == NULL);
	CHECK_U64(qr_vmflags_advice(" rd wr mr mw me dc ac dd sd hg mg\n", &why),
		  QRI_ADV_DONTFORK | QRI_ADV_DONTDUMP | QRI_ADV_HUGEPAGE |
		  QRI_ADV_MERGEABLE);
	CHECK_U64(qr_vmflags_advice(" rd lo lf sr", &why),
		  QRI_ADV_LOCKED | QRI_ADV_LOCKONFAULT | QRI_ADV_SEQUENTIAL);
	CHECK_U64(qr_vmflags_advice(" rd wr wf nh rr", &why),
		  QRI_ADV_WIPEONFORK | QRI_ADV_NOHUGEPAGE | QRI_ADV_RANDOM);
	qr_vmflags_advice(" rd wr um uw", &why);
	CHECK_STR(why, "um");
	qr_vmflags_advice(" rd sl", &why);
	CHECK_STR(why, "sl");
	/* Two-letter words only: "mgx" is not mg. */
	CHECK_U64(qr_vmflags_advice(" mgx dcc", &why), 0);
}

static uint8_t regs[QRI_REGS_SIZE];

static void proc(struct qri_writer *w)
{
	struct qri_process p = { .pid = 9, .comm = "carry" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };

	qri_writer_init(w, "test");
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
}

static const struct qri_creds creds = {
	.pid = 9, .no_new_privs = 1, .cap_inh = 0x401, .cap_prm = 0x2400,
	.cap_eff = 0x400, .cap_bnd = 0x1ffffbeffffull, .cap_amb = 0x400,
	.ngroups = 3,
};
static const uint32_t groups[3] = { 10, 20, 30 };
static const uint8_t cpus[8] = { 1 };

TEST(carry_image_round_trip)
{
	struct qri_thread_sched s = { .pid = 9, .tid = 9,
		.policy = QRI_SCHED_BATCH | QRI_SCHED_RESET_ON_FORK,
		.nice = 7, .ncpus = 64, .ioprio = 2 << 13 | 6,
		.timerslack_ns = 123456 };
	struct qri_proc_attrs pa = { .pid = 9, .oom_score_adj = -321,
				     .thp_disabled = 1 };
	struct qri_vma v = { .pid = 9, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000, .end = 0x20000,
			     .pages_offset = QRI_NO_PAGES,
			     .advice = QRI_ADV_WIPEONFORK | QRI_ADV_LOCKED };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e = { "" };

	proc(&w);
	qri_add_creds(&w, &creds, groups);
	qri_add_proc_attrs(&w, &pa);
	qri_add_thread_sched(&w, &s, cpus);
	qri_add_vma(&w, &v, NULL);
	CHECK(!qri_finish(&w));
	CHECK(!qri_parse(w.buf, w.len, &img, &e));
	CHECK(img.procs[0].creds != NULL);
	CHECK_U64(img.procs[0].creds->cap_bnd, 0x1ffffbeffffull);
	CHECK_U64(img.procs[0].creds->no_new_privs, 1);
	CHECK_U64(img.procs[0].groups[1], 20);
	CHECK_U64(img.procs[0].attrs->oom_score_adj, (uint64_t)(int64_t)-321);
	CHECK_U64(img.procs[0].attrs->thp_disabled, 1);
	CHECK_U64(img.procs[0].threads[0].sched->policy,
		  QRI_SCHED_BATCH | QRI_SCHED_RESET_ON_FORK);
	CHECK_U64(img.procs[0].threads[0].sched->nice, 7);
	CHECK_U64(img.procs[0].threads[0].sched->ioprio, 2 << 13 | 6);
	CHECK_U64(img.procs[0].threads[0].sched->timerslack_ns, 123456);
	CHECK_U64(img.procs[0].threads[0].cpus[0], 1);
	CHECK_U64(img.procs[0].vmas[0].v.advice,
		  QRI_ADV_WIPEONFORK | QRI_ADV_LOCKED);
	qri_free(&img);
	qri_writer_free(&w);
}

/* An area record of the first images (48 bytes, no advice) still reads,
 * its advice 0. */
TEST(carry_image_old_vma)
{
	struct qri_vma v = { .pid = 9, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000, .end = 0x20000,
			     .pages_offset = QRI_NO_PAGES, .advice = QRI_ADV_DONTFORK };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e = { "" };

	proc(&w);
	qri_add_raw(&w, QRI_VMA, 0, &v, 48, NULL, 0);
	CHECK(!qri_finish(&w));
	CHECK(!qri_parse(w.buf, w.len, &img, &e));
	CHECK_U64(img.procs[0].nvmas, 1);
	CHECK_U64(img.procs[0].vmas[0].v.advice, 0);
	qri_free(&img);
	qri_writer_free(&w);
	/* Shorter than that: refused. */
	proc(&w);
	qri_add_raw(&w, QRI_VMA, 0, &v, 40, NULL, 0);
	qrt_image_refused(&w, "shorter than 48");
}

TEST(carry_image_refused)
{
	struct qri_creds k = creds;
	struct qri_thread_sched s = { .pid = 9, .tid = 9, .ncpus = 64,
				      .timerslack_ns = 50000 };
	struct qri_vma v = { .pid = 9, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000, .end = 0x20000,
			     .pages_offset = QRI_NO_PAGES };
	static const uint8_t none[8];
	struct qri_writer w;

	k.cap_eff = 0x800;
	proc(&w);
	qri_add_creds(&w, &k, groups);
	qrt_image_refused(&w, "outside the permitted");
	k = creds;
	k.cap_amb = 0x2000;	/* permitted, not inheritable */
	proc(&w);
	qri_add_creds(&w, &k, groups);
	qrt_image_refused(&w, "outside the permitted");
	k = creds;
	k.no_new_privs = 2;
	proc(&w);
	qri_add_creds(&w, &k, groups);
	qrt_image_refused(&w, "no_new_privs 2");
	proc(&w);
	qri_add_raw(&w, QRI_CREDS, 0, &creds, sizeof(creds), groups, 8);
	qrt_image_refused(&w, "3 groups do not fill");
	proc(&w);
	qri_add_creds(&w, &creds, groups);
	qri_add_creds(&w, &creds, groups);
	qrt_image_refused(&w, "has a second one");
	/* Optional or not, an unknown reader must not skip it: the writer
	 * never flags it. */
	proc(&w);
	qri_add_creds(&w, &creds, groups);
	CHECK(!qri_finish(&w));
	{
		struct qri_record r;

		/* The last record: 16 bytes of header, 56 + 12 padded to 72. */
		memcpy(&r, w.buf + w.len - 16 - 72, sizeof(r));
		CHECK_U64(r.type, QRI_CREDS);
		CHECK_U64(r.flags & QRI_REC_OPTIONAL, 0);
	}
	qri_writer_free(&w);

	proc(&w);
	qri_add_proc_attrs(&w, &(struct qri_proc_attrs){ .pid = 9, .oom_score_adj = 1001 });
	qrt_image_refused(&w, "out of range");
	proc(&w);
	qri_add_proc_attrs(&w, &(struct qri_proc_attrs){ .pid = 9, .thp_disabled = 2 });
	qrt_image_refused(&w, "out of range");

	s.policy = 6;	/* SCHED_DEADLINE: refused by check, never written */
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "is not one the kernel gives");
	s.policy = QRI_SCHED_FIFO;
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "is not one the kernel gives");
	s.rt_priority = 50;
	s.nice = -21;
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "is not one the kernel gives");
	s.nice = 0;
	s.ioprio = 4 << 13;	/* no such class */
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "I/O priority 0x8000");
	s.ioprio = 0;
	s.timerslack_ns = 0;	/* the kernel's is at least 1 */
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "timer slack 0 is not one");
	s.timerslack_ns = 50000;
	proc(&w);
	qri_add_thread_sched(&w, &s, none);
	qrt_image_refused(&w, "names no CPU");
	s.ncpus = 60;
	proc(&w);
	qri_add_raw(&w, QRI_THREAD_SCHED, 0, &s, sizeof(s), cpus, 8);
	qrt_image_refused(&w, "does not fill");
	s.ncpus = 64;
	s.tid = 10;
	proc(&w);
	qri_add_thread_sched(&w, &s, cpus);
	qrt_image_refused(&w, "has no thread record");

	v.advice = 0x400;
	proc(&w);
	qri_add_vma(&w, &v, NULL);
	qrt_image_refused(&w, "advice 0x400");
	v.advice = QRI_ADV_HUGEPAGE | QRI_ADV_NOHUGEPAGE;
	proc(&w);
	qri_add_vma(&w, &v, NULL);
	qrt_image_refused(&w, "advice");
	v.advice = QRI_ADV_LOCKONFAULT;
	proc(&w);
	qri_add_vma(&w, &v, NULL);
	qrt_image_refused(&w, "advice");
	v.advice = QRI_ADV_WIPEONFORK;
	v.flags = QRI_VMA_SHARED;
	proc(&w);
	qri_add_vma(&w, &v, NULL);
	qrt_image_refused(&w, "advice");
}
