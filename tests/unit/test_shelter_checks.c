/* Shelter location and safety decisions. */
#include "boot/cmdline_tok.h"
#include "boot/iomem.h"
#include "shelter/checks.h"
#include "test.h"

static struct qr_cmdline cl_of(const char *s)
{
	struct qr_cmdline cl = { 0 };
	struct qr_err e;

	if (qr_cmdline_parse(s, &cl, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_cmdline_parse", e.msg, s);
	return cl;
}

TEST(shelter_from_cmdline_found)
{
	struct qr_cmdline cl = cl_of("a quickreboot.shelter=1M@4G quickreboot.shelter=64M@0x30000000");
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_from_cmdline(&cl, &r, &e) == 0);
	CHECK_U64(r.start, 0x30000000);
	CHECK_U64(r.size, 64 << 20);
	qr_cmdline_free(&cl);
}

TEST(shelter_from_cmdline_absent)
{
	struct qr_cmdline cl = cl_of("a b=c -- quickreboot.shelter=64M@0x30000000");
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_from_cmdline(&cl, &r, &e) == 1);
	qr_cmdline_free(&cl);
}

TEST(shelter_from_cmdline_malformed)
{
	struct qr_cmdline cl = cl_of("quickreboot.shelter=64M$0x30000000");
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_from_cmdline(&cl, &r, &e) == -1);
	CHECK_HAS(e.msg, "'64M$0x30000000'");
	qr_cmdline_free(&cl);
	cl = cl_of("quickreboot.shelter");
	CHECK(qr_shelter_from_cmdline(&cl, &r, &e) == -1);
	CHECK_HAS(e.msg, "no value");
	qr_cmdline_free(&cl);
}

TEST(shelter_alignment)
{
	struct qr_range r = { 0x30000000, 64 << 20 };
	struct qr_err e;

	CHECK(qr_shelter_check_alignment(&r, &e) == 0);
	r.start += 512;
	CHECK(qr_shelter_check_alignment(&r, &e) == -1);
	CHECK_HAS(e.msg, "0x30000200");
	r.start -= 512;
	r.size += 1;
	CHECK(qr_shelter_check_alignment(&r, &e) == -1);
	/* Below the module's floor: a header page and a data page. */
	r.size = 4096;
	CHECK(qr_shelter_check_alignment(&r, &e) == -1);
	CHECK_HAS(e.msg, "too small");
	r.size = 8192;
	CHECK(qr_shelter_check_alignment(&r, &e) == 0);
}

static int memmap_check(const char *line, uint64_t size, uint64_t start,
			struct qr_err *e)
{
	struct qr_cmdline cl = cl_of(line);
	struct qr_range r = { start, size };
	int rc = qr_shelter_check_memmap(&cl, &r, e);

	qr_cmdline_free(&cl);
	return rc;
}

TEST(shelter_memmap_covers)
{
	struct qr_err e;

	CHECK(memmap_check("memmap=64M$0x30000000", 64 << 20, 0x30000000, &e) == 0);
	CHECK(memmap_check("memmap=1G@0,128M$0x30000000", 64 << 20, 0x30000000, &e) == 0);
	CHECK(memmap_check("memmap=4K$0 memmap=128M$0x2c000000", 64 << 20, 0x30000000, &e) == 0);
}

TEST(shelter_memmap_not_covered)
{
	struct qr_err e;

	CHECK(memmap_check("", 64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "no memmap=SIZE$ADDR reserves the shelter 0x4000000@0x30000000");
	/* Reserved as RAM, or only partly, does not count. */
	CHECK(memmap_check("memmap=64M@0x30000000", 64 << 20, 0x30000000, &e) == -1);
	CHECK(memmap_check("memmap=32M$0x30000000,32M$0x32000000", 64 << 20, 0x30000000, &e) == -1);
	CHECK(memmap_check("memmap=64M$0x30001000", 64 << 20, 0x30000000, &e) == -1);
	CHECK(memmap_check("-- memmap=64M$0x30000000", 64 << 20, 0x30000000, &e) == -1);
}

TEST(shelter_memmap_malformed_named)
{
	struct qr_err e;

	CHECK(memmap_check("memmap=64M$0x30000000 memmap=1X$0", 64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "'1X$0'");
	CHECK(memmap_check("memmap", 64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "'memmap' without a value");
}

static const char reserved_iomem[] =
	"00001000-0009fbff : System RAM\n"
	"00100000-2fffffff : System RAM\n"
	"30000000-33ffffff : Reserved\n"
	"  30000000-33ffffff : shelter\n"
	"34000000-7ffdffff : System RAM\n";

static int iomem_check(const char *text, uint64_t size, uint64_t start,
		       struct qr_err *e)
{
	struct qr_iomem io;
	struct qr_range r = { start, size };
	int rc;

	if (qr_iomem_parse(text, &io, e)) {
		qr_test_fail_str(__FILE__, __LINE__, "qr_iomem_parse", e->msg, text);
		return -2;
	}
	rc = qr_shelter_check_iomem(&io, &r, e);
	qr_iomem_free(&io);
	return rc;
}

TEST(shelter_iomem_reserved)
{
	struct qr_err e;

	CHECK(iomem_check(reserved_iomem, 64 << 20, 0x30000000, &e) == 0);
	CHECK(iomem_check(reserved_iomem, 4096, 0x33fff000, &e) == 0);
}

TEST(shelter_iomem_overlaps_ram)
{
	struct qr_err e;

	CHECK(iomem_check(reserved_iomem, 64 << 20, 0x2ffff000, &e) == -1);
	CHECK_HAS(e.msg, "overlaps System RAM 0x100000-0x2fffffff");
	CHECK(iomem_check(reserved_iomem, 8192, 0x33fff000, &e) == -1);
	CHECK_HAS(e.msg, "0x34000000-0x7ffdffff");
	CHECK(iomem_check(reserved_iomem, 4096, 0x40000000, &e) == -1);
}

TEST(shelter_iomem_ram_nested_inside_reserved)
{
	struct qr_err e;

	CHECK(iomem_check("0-ffffffff : Reserved\n  30000000-30000fff : System RAM\n",
			  64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "System RAM");
}

TEST(shelter_iomem_not_reserved)
{
	struct qr_err e;

	CHECK(iomem_check("30000000-33ffffff : PCI Bus 0000:00\n", 64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "not inside one Reserved range");
	CHECK(iomem_check("30000000-31ffffff : Reserved\n32000000-33ffffff : Reserved\n",
			  64 << 20, 0x30000000, &e) == -1);
}

TEST(shelter_iomem_zeros)
{
	struct qr_err e;

	CHECK(iomem_check("00000000-00000000 : Reserved\n", 64 << 20, 0x30000000, &e) == -1);
	CHECK_HAS(e.msg, "CAP_SYS_ADMIN");
}
