/* Restore's proof: the view of a process from /proc texts, and the
 * comparison that names each field that differs. */
#include <stdlib.h>

#include "proof/proof.h"
#include "test.h"

static const char status[] =
	"Name:\tcr-counter\nUmask:\t0022\nState:\tS (sleeping)\n"
	"Uid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
	"Groups:\t4 24 27 \nNoNewPrivs:\t1\nSeccomp:\t0\nSeccomp_filters:\t0\n"
	"SigBlk:\t0000000000010000\nCapInh:\t0000000000000000\n"
	"CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
	"CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
	"Threads:\t3\nCpus_allowed_list:\t0-1\nVmRSS:\t 1234 kB\n";
/* Fields 3.. after "(comm)": nice is field 19, rt_priority 40, policy 41. */
static const char stat[] =
	"1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 5 3 0 "
	"100 1000 200 1 2 3 4 5 0 0 0 0 0 0 0 0 17 0 0 3 0 0 0 0 0 0 0 0 0 0 0\n";

TEST(proof_view_takes_the_stable_fields)
{
	struct qr_strbuf b = { 0 };

	CHECK(qr_proof_view("", status, stat, "-500\n", "00000000\n", &b) == 0);
	CHECK_HAS(b.s, "Uid=1000 1000 1000 1000\n");
	CHECK_HAS(b.s, "Groups=4 24 27\n");
	CHECK_HAS(b.s, "NoNewPrivs=1\n");
	CHECK_HAS(b.s, "Threads=3\n");
	CHECK_HAS(b.s, "nice=5\n");
	CHECK_HAS(b.s, "rt_priority=0\n");
	CHECK_HAS(b.s, "policy=3\n");
	CHECK_HAS(b.s, "oom_score_adj=-500\n");
	CHECK(!strstr(b.s, "SigBlk"));
	CHECK(!strstr(b.s, "VmRSS"));
	qr_strbuf_free(&b);
	CHECK(qr_proof_view("", status, "no parenthesis", NULL, NULL, &b) == -1);
	qr_strbuf_free(&b);
	/* A thread's: its keys after the prefix, no process-wide files. */
	CHECK(qr_proof_view("thread 1240 ", status, stat, NULL, NULL, &b) == 0);
	CHECK_HAS(b.s, "thread 1240 Uid=1000 1000 1000 1000\n");
	CHECK_HAS(b.s, "thread 1240 nice=5\n");
	CHECK(!strstr(b.s, "oom_score_adj"));
	qr_strbuf_free(&b);
}

TEST(proof_compare_names_each_difference)
{
	char diff[256];

	CHECK(qr_proof_compare("nice=5\nNoNewPrivs=1\n", "nice=5\nNoNewPrivs=1\n",
			       diff, sizeof(diff)) == 0);
	CHECK(qr_proof_compare("nice=5\nNoNewPrivs=1\nUid=1 1 1 1\n",
			       "nice=6\nNoNewPrivs=0\nUid=1 1 1 1\n",
			       diff, sizeof(diff)) == 2);
	CHECK_STR(diff, "nice: 5 -> 6, NoNewPrivs: 1 -> 0");
	/* A field the New kernel does not show is not compared. */
	CHECK(qr_proof_compare("THP_enabled=1\nnice=0\n", "nice=0\n",
			       diff, sizeof(diff)) == 0);
	/* Truncated output stays a string. */
	CHECK(qr_proof_compare("Groups=1 2 3 4 5 6 7 8\n", "Groups=1\n",
			       diff, 8) == 1);
	CHECK(strlen(diff) < 8);
}
