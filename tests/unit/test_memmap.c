/* memmap= values. */
#include "boot/memmap.h"
#include "test.h"

static struct qr_memmap mm_ok(const char *s)
{
	struct qr_memmap mm = { 0 };
	struct qr_err e = { "" };

	if (qr_memmap_parse(s, &mm, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_memmap_parse", e.msg, s);
	return mm;
}

static const char *mm_bad(const char *s)
{
	static struct qr_err e;
	struct qr_memmap mm;

	if (!qr_memmap_parse(s, &mm, &e)) {
		qr_memmap_free(&mm);
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(memmap_reserved)
{
	struct qr_memmap mm = mm_ok("64M$0x30000000");

	CHECK_U64(mm.n, 1);
	CHECK(mm.entry[0].kind == QR_MEMMAP_RESERVED);
	CHECK_U64(mm.entry[0].range.size, 64ull << 20);
	CHECK_U64(mm.entry[0].range.start, 0x30000000);
	qr_memmap_free(&mm);
}

TEST(memmap_every_kind)
{
	struct qr_memmap mm = mm_ok("exactmap,640K@0,1G@1M,4K#0xfff000,2G!4G,100M$768M,3G");

	CHECK_U64(mm.n, 7);
	CHECK(mm.entry[0].kind == QR_MEMMAP_EXACTMAP);
	CHECK(mm.entry[1].kind == QR_MEMMAP_RAM);
	CHECK_U64(mm.entry[1].range.size, 640 << 10);
	CHECK(mm.entry[2].kind == QR_MEMMAP_RAM);
	CHECK_U64(mm.entry[2].range.start, 1 << 20);
	CHECK(mm.entry[3].kind == QR_MEMMAP_ACPI);
	CHECK(mm.entry[4].kind == QR_MEMMAP_PERSISTENT);
	CHECK_U64(mm.entry[4].range.start, 4ull << 30);
	CHECK(mm.entry[5].kind == QR_MEMMAP_RESERVED);
	CHECK(mm.entry[6].kind == QR_MEMMAP_LIMIT);
	CHECK_U64(mm.entry[6].range.size, 3ull << 30);
	qr_memmap_free(&mm);
}

TEST(memmap_empty_entries_refused)
{
	CHECK_HAS(mm_bad(""), "empty entry");
	CHECK_HAS(mm_bad("64M$0x1000,"), "empty entry");
	CHECK_HAS(mm_bad(",64M$0x1000"), "empty entry");
	CHECK_HAS(mm_bad("1M$0,,2M$4M"), "empty entry");
}

TEST(memmap_bad_entries_named)
{
	CHECK_HAS(mm_bad("64M$0x1000,64Q$0"), "'64Q$0'");
	CHECK_HAS(mm_bad("64M$"), "'64M$'");
	CHECK_HAS(mm_bad("$0x1000"), "'$0x1000'");
	CHECK_HAS(mm_bad("64M$0x1000junk"), "'64M$0x1000junk'");
	CHECK_HAS(mm_bad("exactmapx"), "'exactmapx'");
	CHECK_HAS(mm_bad("EXACTMAP"), "'EXACTMAP'");
	CHECK_HAS(mm_bad("0$0x1000"), "size is zero");
	CHECK_HAS(mm_bad("64M$0xffffffffffffffff"), "address space");
	CHECK_HAS(mm_bad("64M$99999999999999999999"), "64 bits");
}

TEST(memmap_percent_form_refused)
{
	CHECK_HAS(mm_bad("4G%4G-1+2"), "'4G%4G-1+2'");
	CHECK_HAS(mm_bad("4G%4G-1+2"), "not supported");
}

TEST(memmap_many_entries)
{
	char s[4096] = "";
	struct qr_memmap mm;

	for (int i = 0; i < 200; i++)
		strcat(s, i ? ",4K$0x1000" : "4K$0x1000");
	mm = mm_ok(s);
	CHECK_U64(mm.n, 200);
	qr_memmap_free(&mm);
}
