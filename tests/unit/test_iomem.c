/* /proc/iomem parser. */
#include "boot/iomem.h"
#include "test.h"

/* Trimmed from a 2 GiB QEMU guest booted with memmap=64M$0x30000000. */
static const char guest[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000f0000-000fffff : System ROM\n"
	"00100000-2fffffff : System RAM\n"
	"  0e000000-0f002fff : Kernel code\n"
	"  0f200000-0f9fffff : Kernel rodata\n"
	"30000000-33ffffff : Reserved\n"
	"34000000-7ffdffff : System RAM\n"
	"fd000000-fdffffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:01.0\n"
	"    fd000000-fdffffff : bochs-drm\n"
	"fee00000-fee00fff : Local APIC\n"
	"100000000-17fffffff : System RAM\n";

static struct qr_iomem io_ok(const char *s)
{
	struct qr_iomem io = { 0 };
	struct qr_err e = { "" };

	if (qr_iomem_parse(s, &io, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_iomem_parse", e.msg, s);
	return io;
}

static const char *io_bad(const char *s)
{
	static struct qr_err e;
	struct qr_iomem io;

	if (!qr_iomem_parse(s, &io, &e)) {
		qr_iomem_free(&io);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(iomem_guest_sample)
{
	struct qr_iomem io = io_ok(guest);

	CHECK_U64(io.n, 14);
	CHECK_U64(io.entry[0].start, 0);
	CHECK_U64(io.entry[0].end, 0xfff);
	CHECK_STR(io.entry[2].name, "PCI Bus 0000:00");
	CHECK_U64(io.entry[5].depth, 1);
	CHECK_STR(io.entry[5].name, "Kernel code");
	CHECK_U64(io.entry[11].depth, 2);
	CHECK_U64(io.entry[13].start, 0x100000000ull);
	CHECK_U64(io.entry[13].end, 0x17fffffffull);
	CHECK(qr_iomem_has_addresses(&io));
	qr_iomem_free(&io);
}

TEST(iomem_empty)
{
	struct qr_iomem io = io_ok("");

	CHECK_U64(io.n, 0);
	CHECK(!qr_iomem_has_addresses(&io));
	qr_iomem_free(&io);
}

TEST(iomem_unprivileged_reader_sees_zeros)
{
	struct qr_iomem io = io_ok("00000000-00000000 : Reserved\n"
				   "00000000-00000000 : System RAM\n"
				   "  00000000-00000000 : Kernel code\n");

	CHECK_U64(io.n, 3);
	CHECK(!qr_iomem_has_addresses(&io));
	qr_iomem_free(&io);
}

TEST(iomem_no_trailing_newline_and_blank_lines)
{
	struct qr_iomem io = io_ok("\n0-f : a\n\n10-1f : b : c");

	CHECK_U64(io.n, 2);
	CHECK_STR(io.entry[1].name, "b : c");
	qr_iomem_free(&io);
}

TEST(iomem_full_64_bit)
{
	struct qr_iomem io = io_ok("0-ffffffffffffffff : PCI mem\n"
				   "  ffffffffffffff00-ffffffffffffffff : top\n");

	CHECK_U64(io.entry[0].end, UINT64_MAX);
	CHECK_U64(io.entry[1].start, 0xffffffffffffff00ull);
	qr_iomem_free(&io);
}

TEST(iomem_empty_name)
{
	struct qr_iomem io = io_ok("0-f : ");

	CHECK_STR(io.entry[0].name, "");
	qr_iomem_free(&io);
}

TEST(iomem_bad_lines_named)
{
	CHECK_HAS(io_bad("0-f : a\nzzz\n"), "line 2 'zzz'");
	CHECK_HAS(io_bad("0-f a"), "line 1 '0-f a'");
	CHECK_HAS(io_bad("0-f: a"), "expected START-END : NAME");
	CHECK_HAS(io_bad("0 : a"), "expected START-END");
	CHECK_HAS(io_bad("-f : a"), "expected START-END");
	CHECK_HAS(io_bad("0x0-0xf : a"), "'0x0-0xf : a'");
	CHECK_HAS(io_bad("f-0 : a"), "start is above end");
	CHECK_HAS(io_bad("10000000000000000-10000000000000000 : a"), "expected START-END");
	CHECK_HAS(io_bad("\t0-f : a"), "'\\x090-f : a'");
}

TEST(iomem_bad_nesting)
{
	CHECK_HAS(io_bad("  0-f : a"), "deeper");
	CHECK_HAS(io_bad(" 0-f : a"), "odd indentation");
	CHECK_HAS(io_bad("0-f : a\n    0-1 : b"), "line 2");
	CHECK_HAS(io_bad("10-1f : a\n  0-f : b"), "outside its parent");
	CHECK_HAS(io_bad("0-f : a\n  0-10 : b"), "outside its parent");
	CHECK_HAS(io_bad("0-ff : a\n  0-f : b\n    0-f : c\n  f0-100 : d"), "line 4");
}

TEST(iomem_too_deep)
{
	char s[8192] = "";

	for (int d = 0; d <= 40; d++) {
		for (int i = 0; i < d; i++)
			strcat(s, "  ");
		strcat(s, "0-f : x\n");
	}
	CHECK_HAS(io_bad(s), "nested too deep");
}

TEST(iomem_return_to_top_level)
{
	struct qr_iomem io = io_ok("0-ff : a\n  0-f : b\n    0-7 : c\n100-1ff : d\n  100-10f : e\n");

	CHECK_U64(io.n, 5);
	CHECK_U64(io.entry[3].depth, 0);
	CHECK_U64(io.entry[4].depth, 1);
	qr_iomem_free(&io);
}
