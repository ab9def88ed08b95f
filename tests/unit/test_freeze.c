/* Issue 14, the checkpoint's half: PID operands parsed strictly, the
 * holder of a checkpoint directory's lock read from /proc/locks, kernel
 * threads told by their stat flags. */
#include <stdio.h>

#include "checkpoint/dirlock.h"
#include "checkpoint/stat.h"
#include "cmd/cli.h"
#include "test.h"

TEST(pid_parse_accepts_plain_decimal)
{
	pid_t p = 0;

	CHECK(!qr_parse_pid("1004", &p));
	CHECK_U64(p, 1004);
	CHECK(!qr_parse_pid("4194304", &p));
	CHECK_U64(p, 4194304);
	CHECK(!qr_parse_pid("1", &p));
	CHECK_U64(p, 1);
}

/* 4294968300 is 2^32 + 1004: it used to act on PID 1004. */
TEST(pid_parse_refuses_what_is_not_exactly_a_pid)
{
	static const char *const bad[] = {
		"4294968300", "4194305", "2147483647", "99999999999999999999999",
		" 1004", "1004 ", "+1004", "-1004", "\t1004", "10 04", "0x3ec",
		"1004a", "", "0", "00", "1e3", "\n1004", "01004",
	};
	pid_t p = 77;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!qr_parse_pid(bad[i], &p))
			qr_test_fail_str(__FILE__, __LINE__, "accepted", bad[i], "refused");
		CHECK_U64(p, 77);
	}
}

TEST(pids_parse_refuses_init_and_bad_operands)
{
	char *one[] = { "1" }, *trunc[] = { "4294968300" }, *sp[] = { " 1004" };
	char *ok[] = { "1004", "2000" };
	pid_t pids[2];
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");
	CHECK_U64(qr_parse_pids(one, 1, pids, "check", ""), QR_EXIT_USAGE);
	CHECK_U64(qr_parse_pids(trunc, 1, pids, "check", ""), QR_EXIT_USAGE);
	CHECK_U64(qr_parse_pids(sp, 1, pids, "check", ""), QR_EXIT_USAGE);
	fclose(stderr);
	stderr = saved;
	CHECK_U64(qr_parse_pids(ok, 2, pids, "check", ""), 0);
	CHECK_U64(pids[0], 1004);
	CHECK_U64(pids[1], 2000);
}

TEST(locks_holder_found_by_device_and_inode)
{
	const char *text =
		"1: POSIX  ADVISORY  WRITE 99 08:01:12345 0 EOF\n"
		"2: FLOCK  ADVISORY  WRITE 1234 00:2d:77 0 EOF\n"
		"2: -> FLOCK  ADVISORY  WRITE 1300 00:2d:77 0 EOF\n"
		"3: FLOCK  ADVISORY  WRITE 4321 fe:01:12345 0 EOF\n";

	CHECK_U64(qr_locks_holder(text, 0, 0x2d, 77), 1234);
	CHECK_U64(qr_locks_holder(text, 0xfe, 1, 12345), 4321);
	/* A POSIX lock on it is not a checkpoint's flock. */
	CHECK_U64(qr_locks_holder(text, 8, 1, 12345), 0);
	CHECK_U64(qr_locks_holder(text, 0, 0x2d, 78), 0);
	CHECK_U64(qr_locks_holder("", 0, 0x2d, 77), 0);
	CHECK_U64(qr_locks_holder("garbage\n\n", 0, 0x2d, 77), 0);
}

TEST(stat_flags_tell_kernel_threads)
{
	const char *kthreadd =
		"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 "
		"18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 "
		"0 0 0 0 0 0 0 0 0 0";
	const char *user =
		"1004 (cr-counter) S 1 1004 1 0 -1 4194304 90 0 0 0 0 0 0 0 20 0 1 0 "
		"300 2580480 200 18446744073709551615 4194304 4198000 140720000000000 "
		"0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 4210000 4211000 4220000 "
		"140720000001000 140720000001020 140720000001020 140720000002000 0";
	struct qr_stat st;
	struct qr_err e;

	CHECK(!qr_stat_parse(kthreadd, &st, &e));
	CHECK(st.flags & QR_PF_KTHREAD);
	CHECK(!qr_stat_parse(user, &st, &e));
	CHECK(!(st.flags & QR_PF_KTHREAD));
}
