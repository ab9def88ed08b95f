/* Shelter size and placement, the setup decision, the GRUB drop-in. */
#include "boot/grub_dropin.h"
#include "boot/bootarea_place.h"
#include "boot/setup_plan.h"
#include "shelter/plan.h"
#include "test.h"

/* The 2 GiB QEMU guest's map (test_iomem.c), before any reservation. */
static const char guest[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"00100000-7ffdffff : System RAM\n"
	"  0e000000-0f002fff : Kernel code\n"
	"  0f200000-0f9fffff : Kernel rodata\n"
	"7ffe0000-7fffffff : Reserved\n"
	"fd000000-fdffffff : PCI Bus 0000:00\n";

/* A 24 GiB host with RAM above 4 GiB and a crash kernel at its top. */
static const char host[] =
	"00001000-0009fbff : System RAM\n"
	"00100000-bfffffff : System RAM\n"
	"  01000000-0220bb07 : Kernel code\n"
	"  03b34000-03c57fff : Kernel bss\n"
	"c0000000-fed1bfff : PCI Bus 0000:00\n"
	"100000000-63fffffff : System RAM\n"
	"  630000000-63fffffff : Crash kernel\n";

static struct qr_iomem parse(const char *s)
{
	struct qr_iomem io = { 0 };
	struct qr_err e = { "" };

	if (qr_iomem_parse(s, &io, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_iomem_parse", e.msg, s);
	return io;
}

TEST(plan_default_size)
{
	CHECK_U64(qr_shelter_default_size(2ull << 30), 128 << 20);
	CHECK_U64(qr_shelter_default_size(24ull << 30), 256 << 20);
	CHECK_U64(qr_shelter_default_size(1000ull << 20), 62 << 20);	/* 62.5 -> 62 */
	CHECK_U64(qr_shelter_default_size(64ull << 20), 4 << 20);
	CHECK_U64(qr_shelter_default_size(63ull << 20), 0);
}

TEST(plan_ram_and_size_checks)
{
	struct qr_iomem io = parse(guest);
	struct qr_err e;
	uint64_t ram = qr_ram_bytes(&io);

	CHECK_U64(ram, 0x9ec00 + 0x7fee0000);
	CHECK(qr_shelter_check_size(64 << 20, ram, &e) == 0);
	CHECK(qr_shelter_check_size((64 << 20) + 1, ram, &e) == -1);
	CHECK_HAS(e.msg, "page size");
	CHECK(qr_shelter_check_size(1 << 20, ram, &e) == -1);
	CHECK_HAS(e.msg, "minimum");
	CHECK(qr_shelter_check_size(ram & ~4095ull, ram, &e) == -1);
	CHECK_HAS(e.msg, "half of RAM");
	qr_iomem_free(&io);
}

TEST(plan_place_guest_top)
{
	struct qr_iomem io = parse(guest);
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_place(&io, 128 << 20, &r, &e) == 0);
	/* Highest 2 MiB aligned start whose end stays inside 0x7ffdffff. */
	CHECK_U64(r.start, 0x77e00000);
	CHECK_U64(r.size, 128 << 20);
	CHECK(qr_shelter_fits(&io, &r, &e) == QR_FIT_FREE);
	qr_iomem_free(&io);
}

TEST(plan_place_avoids_children_and_prefers_high)
{
	struct qr_iomem io = parse(host);
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_place(&io, 256 << 20, &r, &e) == 0);
	CHECK_U64(r.start, 0x620000000ull);	/* just below the crash kernel */
	/* Too big for any range. */
	CHECK(qr_shelter_place(&io, 32ull << 30, &r, &e) == -1);
	CHECK_HAS(e.msg, "no free System RAM");
	CHECK(qr_shelter_place(&io, 4097, &r, &e) == -1);
	qr_iomem_free(&io);
}

TEST(plan_place_respects_floor_and_kernel)
{
	/* Only low RAM, with the kernel in the middle of the room above 256 MiB. */
	struct qr_iomem io = parse("00100000-1fffffff : System RAM\n"
				   "20000000-2fffffff : System RAM\n"
				   "  20000000-2bffffff : Kernel code\n");
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_shelter_place(&io, 64 << 20, &r, &e) == 0);
	CHECK_U64(r.start, 0x2c000000);
	/* 256 MiB of the first range lie above the floor. */
	CHECK(qr_shelter_place(&io, 96 << 20, &r, &e) == 0);
	CHECK_U64(r.start, 0x1a000000);
	CHECK(qr_shelter_place(&io, 300 << 20, &r, &e) == -1);
	CHECK_HAS(e.msg, "above 256 MiB");
	qr_iomem_free(&io);
}

TEST(plan_fits_states)
{
	struct qr_iomem io = parse("00100000-2fffffff : System RAM\n"
				   "  0e000000-0f002fff : Kernel code\n"
				   "30000000-33ffffff : Reserved\n"
				   "34000000-7ffdffff : System RAM\n");
	struct qr_range reserved = { 0x30000000, 64 << 20 };
	struct qr_range free_ram = { 0x40000000, 64 << 20 };
	struct qr_range on_kernel = { 0x0e000000, 32 << 20 };
	struct qr_range straddle = { 0x2e000000, 64 << 20 };
	struct qr_range unaligned = { 0x40000100, 64 << 20 };
	struct qr_err e;

	CHECK(qr_shelter_fits(&io, &reserved, &e) == QR_FIT_RESERVED);
	CHECK(qr_shelter_fits(&io, &free_ram, &e) == QR_FIT_FREE);
	CHECK(qr_shelter_fits(&io, &on_kernel, &e) == -1);
	CHECK_HAS(e.msg, "overlaps 'Kernel code'");
	CHECK(qr_shelter_fits(&io, &straddle, &e) == -1);
	CHECK_HAS(e.msg, "neither reserved nor inside one System RAM range");
	CHECK(qr_shelter_fits(&io, &unaligned, &e) == -1);
	qr_iomem_free(&io);
}

TEST(setup_new_then_idempotent)
{
	struct qr_iomem io = parse(guest);
	struct qr_setup_input in = { .io = &io };
	struct qr_setup_plan p1, p2;
	struct qr_err e;

	CHECK(qr_setup_decide(&in, &p1, &e) == 0);
	CHECK(p1.source == QR_SETUP_NEW);
	CHECK(p1.reboot_needed);
	/* 1/16 of 2047.6 MiB, rounded down to 2 MiB. */
	CHECK_U64(p1.shelter.size, 126 << 20);
	CHECK_U64(p1.shelter.start, 0x78000000);
	/* The boot area: 256 MiB in whole blocks, the lowest free below 4 GiB. */
	CHECK_U64(p1.boot.size, 256 << 20);
	CHECK_U64(p1.boot.start % (128 << 20), 0);
	CHECK(p1.boot.start + p1.boot.size <= p1.shelter.start);
	/* Second run: the drop-in has it; nothing changes. */
	in.dropin_named = true;
	in.dropin = p1.shelter;
	CHECK(qr_setup_decide(&in, &p2, &e) == 0);
	CHECK(p2.source == QR_SETUP_KEPT_DROPIN);
	CHECK_U64(p2.shelter.start, p1.shelter.start);
	CHECK(p2.reboot_needed);
	qr_iomem_free(&io);
}

TEST(setup_after_reboot_keeps_active)
{
	/* Booted with the shelter: it is Reserved now, RAM around it. */
	struct qr_iomem io = parse("00100000-77dfffff : System RAM\n"
				   "  0e000000-0f002fff : Kernel code\n"
				   "77e00000-7fdfffff : Reserved\n"
				   "7fe00000-7ffdffff : System RAM\n");
	struct qr_setup_input in = { .io = &io, .active_named = true,
				     .active = { 0x77e00000, 128 << 20 },
				     .dropin_named = true,
				     .dropin = { 0x77e00000, 128 << 20 },
				     .active_boot = true,
				     .boot = { 0x18000000, 256 << 20 } };
	struct qr_setup_plan p;
	struct qr_err e;

	CHECK(qr_setup_decide(&in, &p, &e) == 0);
	CHECK(p.source == QR_SETUP_KEPT_ACTIVE);
	CHECK(!p.reboot_needed);
	CHECK_U64(p.boot.start, 0x18000000);
	CHECK_U64(p.shelter.start, 0x77e00000);
	/* Another size asked: a new place, a reboot, and a note why. */
	in.want_size = 64 << 20;
	CHECK(qr_setup_decide(&in, &p, &e) == 0);
	CHECK(p.source == QR_SETUP_NEW);
	CHECK(p.reboot_needed);
	CHECK_HAS(p.note, "another size");
	CHECK_U64(p.shelter.size, 64 << 20);
	CHECK(p.shelter.start + p.shelter.size <= 0x77e00000);
	qr_iomem_free(&io);
}

TEST(setup_stale_dropin_replaced)
{
	struct qr_iomem io = parse(guest);
	struct qr_setup_input in = { .io = &io, .dropin_named = true,
				     .dropin = { 0x0e000000, 128 << 20 } };
	struct qr_setup_plan p;
	struct qr_err e;

	CHECK(qr_setup_decide(&in, &p, &e) == 0);
	CHECK(p.source == QR_SETUP_NEW);
	CHECK_HAS(p.note, "no longer fits");
	CHECK_U64(p.shelter.start, 0x77e00000);
	in.want_size = 3;
	CHECK(qr_setup_decide(&in, &p, &e) == -1);
	CHECK_HAS(e.msg, "page size");
	qr_iomem_free(&io);
}

TEST(setup_too_little_ram)
{
	struct qr_iomem io = parse("00100000-02ffffff : System RAM\n");
	struct qr_setup_input in = { .io = &io };
	struct qr_setup_plan p;
	struct qr_err e;

	CHECK(qr_setup_decide(&in, &p, &e) == -1);
	CHECK_HAS(e.msg, "too little RAM");
	qr_iomem_free(&io);
}

TEST(grub_dropin_text_escapes_dollar)
{
	struct qr_strbuf b = { 0 };
	struct qr_range r = { 0x630000000ull, 256 << 20 }, back;
	struct qr_range boot = { 0x10000000, 384 << 20 };
	struct qr_err e;
	char size[24];

	qr_grub_dropin_text(&b, &r, NULL);
	CHECK_HAS(qr_strbuf_str(&b),
		  "\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
		  "memmap=256M\\\\\\$0x630000000 quickreboot.shelter=256M@0x630000000\"\n");
	qr_strbuf_free(&b);
	qr_grub_dropin_text(&b, &r, &boot);
	CHECK_HAS(qr_strbuf_str(&b),
		  "quickreboot.shelter=256M@0x630000000 memmap=384M\\\\\\$0x10000000\"\n");
	CHECK(qr_grub_dropin_shelter(qr_strbuf_str(&b), &back, &e) == 0);
	CHECK_U64(back.start, r.start);
	CHECK_U64(back.size, r.size);
	qr_strbuf_free(&b);
	qr_shelter_params(&b, &r);
	CHECK_STR(qr_strbuf_str(&b), "memmap=256M$0x630000000 quickreboot.shelter=256M@0x630000000");
	qr_strbuf_free(&b);
	CHECK_STR(qr_format_size(size, 1ull << 30), "1G");
	CHECK_STR(qr_format_size(size, 3 << 20), "3M");
	CHECK_STR(qr_format_size(size, 0x3000), "0x3000");
	CHECK_STR(qr_format_size(size, 0), "0x0");
}

TEST(grub_dropin_parse_edge_cases)
{
	struct qr_range r;
	struct qr_err e;

	CHECK(qr_grub_dropin_shelter("# nothing\n", &r, &e) == 1);
	CHECK(qr_grub_dropin_shelter("xquickreboot.shelter=64M@0x1000", &r, &e) == 1);
	CHECK(qr_grub_dropin_shelter("G=\"quickreboot.shelter=64M@0x1000 quickreboot.shelter=32M@0x2000\"",
				     &r, &e) == 0);
	CHECK_U64(r.size, 32 << 20);
	CHECK_U64(r.start, 0x2000);
	CHECK(qr_grub_dropin_shelter("quickreboot.shelter=64M", &r, &e) == -1);
	CHECK(qr_grub_dropin_shelter("quickreboot.shelter=", &r, &e) == -1);
}

TEST(bootarea_place_and_size)
{
	struct qr_iomem io = parse("00001000-0009fbff : System RAM\n"
				   "00100000-7ffdffff : System RAM\n"
				   "  09000000-0a0fffff : Kernel code\n"
				   "100000000-47fffffff : System RAM\n");
	struct qr_range shelter = { 0x10000000, 128 << 20 }, b;
	struct qr_err e;

	CHECK_U64(qr_bootarea_default_size(2ull << 30, 128 << 20), 256 << 20);
	CHECK_U64(qr_bootarea_default_size(16ull << 30, 128 << 20), 512 << 20);
	/* Above the first block, the kernel image and the shelter. */
	CHECK(!qr_bootarea_place(&io, 256 << 20, 128 << 20, &shelter, &b, &e));
	CHECK_U64(b.start, 0x18000000);
	CHECK(qr_bootarea_place(&io, 3ull << 30, 128 << 20, &shelter, &b, &e) == -1);
	CHECK_HAS(e.msg, "below 4 GiB");
	qr_iomem_free(&io);
}
