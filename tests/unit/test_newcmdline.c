/* The New kernel's command line. */
#include <stdlib.h>

#include "boot/newcmdline.h"
#include "test.h"

#define SHELTER "memmap=64M$0x30000000 quickreboot.shelter=64M@0x30000000"

static void expect(const char *cur, const char *append, const char *want)
{
	struct qr_err e = { "" };
	char *got = qr_new_cmdline(cur, append, &e);

	if (!got)
		qr_test_fail_str(__FILE__, __LINE__, e.msg, cur, want);
	else if (strcmp(got, want))
		qr_test_fail_str(__FILE__, __LINE__, "new command line", got, want);
	free(got);
}

static const char *refused(const char *cur, const char *append)
{
	static struct qr_err e;
	char *got = qr_new_cmdline(cur, append, &e);

	if (got) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", got, "an error");
		free(got);
		return "";
	}
	return e.msg;
}

TEST(newcmdline_brief_example)
{
	expect("BOOT_IMAGE=/vmlinuz root=/dev/vda memmap=64M$0x30000000 "
	       "quickreboot.shelter=64M@0x30000000 console=ttyS0",
	       "qr.hop=1",
	       "root=/dev/vda memmap=64M$0x30000000 "
	       "quickreboot.shelter=64M@0x30000000 console=ttyS0 qr.hop=1");
}

TEST(newcmdline_drops_boot_only_params)
{
	expect("BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 initrd=\\initrd.img "
	       "kexec_jump_back_entry=0x1234 elfcorehdr=0x100000 ro quiet\n",
	       NULL, "ro quiet");
	CHECK(!qr_param_inherited("BOOT_IMAGE"));
	CHECK(!qr_param_inherited("initrd"));
	CHECK(!qr_param_inherited("kexec-jump-back-entry"));
	CHECK(qr_param_inherited("crashkernel"));
	CHECK(qr_param_inherited("memmap"));
}

TEST(newcmdline_keeps_every_memmap)
{
	expect("memmap=1G$0x100000000 " SHELTER " memmap=exactmap,640K@0 mem=4G",
	       NULL,
	       "memmap=1G$0x100000000 " SHELTER " memmap=exactmap,640K@0 mem=4G");
}

TEST(newcmdline_append_replaces_same_name)
{
	expect(SHELTER " qr.hop=1 quiet", "qr.hop=2",
	       SHELTER " quiet qr.hop=2");
	expect(SHELTER " qr-hop=1", "qr_hop=2", SHELTER " qr_hop=2");
	expect("console=tty0 console=ttyS0", "console=ttyS1", "console=ttyS1");
}

TEST(newcmdline_memmap_accumulates_without_repeats)
{
	expect(SHELTER, "memmap=64M$0x30000000 memmap=1G$0x100000000",
	       SHELTER " memmap=1G$0x100000000");
}

TEST(newcmdline_hops_do_not_grow)
{
	struct qr_err e;
	char *line = strdup("BOOT_IMAGE=/vmlinuz " SHELTER " qr.hop=0");

	for (int hop = 1; hop <= 50 && line; hop++) {
		char *next = qr_new_cmdline(line, "qr.hop=9", &e);

		free(line);
		line = next;
	}
	CHECK_STR(line, SHELTER " qr.hop=9");
	free(line);
}

TEST(newcmdline_quotes_survive)
{
	expect("dyndbg=\"file a.c +p\" \"x y\" " SHELTER, "b=\"c d\"",
	       "dyndbg=\"file a.c +p\" \"x y\" " SHELTER " b=\"c d\"");
}

TEST(newcmdline_init_args)
{
	expect("BOOT_IMAGE=/v ro -- single BOOT_IMAGE=x", "quiet -- emergency",
	       "ro quiet -- single BOOT_IMAGE=x emergency");
	expect("ro", "-- single", "ro -- single");
	expect("ro --", NULL, "ro");
}

TEST(newcmdline_normalises_spacing)
{
	expect("  ro \t quiet\n", "  a=1  ", "ro quiet a=1");
	expect("", NULL, "");
	expect("", "", "");
}

TEST(newcmdline_refuses_unreserved_shelter)
{
	CHECK_HAS(refused("quickreboot.shelter=64M@0x30000000", NULL),
		  "no memmap=SIZE$ADDR reserves the shelter");
	CHECK_HAS(refused("memmap=64M$0x30000000", "quickreboot.shelter=128M@0x30000000"),
		  "0x8000000@0x30000000");
}

TEST(newcmdline_refuses_bad_shelter)
{
	CHECK_HAS(refused("memmap=64M$0x30000000 quickreboot.shelter=64M@0x30000001", NULL),
		  "aligned");
	CHECK_HAS(refused("quickreboot.shelter=zz", NULL), "'zz'");
}

TEST(newcmdline_refuses_bad_memmap)
{
	CHECK_HAS(refused("memmap=64M$0x30000000,", NULL), "empty entry");
	CHECK_HAS(refused("ro", "memmap=64Q$0"), "'64Q$0'");
	CHECK_HAS(refused("memmap", NULL), "'memmap' without a value");
}

TEST(newcmdline_refuses_unterminated_quote)
{
	CHECK_HAS(refused("a=\"b", NULL), "current command line: unterminated quote in 'a=\"b'");
	CHECK_HAS(refused("ro", "x=\"y"), "appended parameters:");
}

TEST(newcmdline_length_limit)
{
	char cur[QR_CMDLINE_MAX + 16];
	char *line;
	struct qr_err e;

	memset(cur, 'a', QR_CMDLINE_MAX - 1);
	cur[QR_CMDLINE_MAX - 1] = '\0';
	line = qr_new_cmdline(cur, NULL, &e);
	CHECK(line != NULL);
	free(line);
	CHECK_HAS(refused(cur, "b"), "2049 bytes");
	cur[QR_CMDLINE_MAX - 1] = 'a';
	cur[QR_CMDLINE_MAX] = '\0';
	CHECK_HAS(refused(cur, NULL), "the kernel keeps only 2047");
}
