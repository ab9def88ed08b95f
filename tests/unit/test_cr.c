/* The pure pieces of checkpoint/restore: /proc parsers, restart rules,
 * the signal frame, vDSO symbols and placement, the memory-fields record. */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "checkpoint/maps.h"
#include "checkpoint/stat.h"
#include "image/image.h"
#include "restore/restart.h"
#include "restore/sigframe.h"
#include "restore/vdso.h"
#include "restorer/restorer.h"
#include "test.h"

static int classify(const char *line, uint32_t *flags, const char **why)
{
	char buf[256];
	struct qr_map m;

	strcpy(buf, line);
	if (qr_maps_line(buf, &m, NULL))
		return 99;
	return qr_map_classify(&m, flags, why);
}

TEST(cr_maps_line_fields)
{
	char line[] = "7f00aa000000-7f00aa021000 rw-s 00001000 fe:01 1234   /data/x y\n";
	struct qr_map m;

	CHECK(!qr_maps_line(line, &m, NULL));
	CHECK_U64(m.start, 0x7f00aa000000);
	CHECK_U64(m.end, 0x7f00aa021000);
	CHECK_U64(m.prot, PROT_READ | PROT_WRITE);
	CHECK(m.shared);
	CHECK_U64(m.offset, 0x1000);
	CHECK_U64(m.inode, 1234);
	CHECK_STR(m.name, "/data/x y");
}

TEST(cr_maps_line_bad)
{
	const char *bad[] = { "", "1000-0800 rw-p 0 0:0 0", "1000-2000 rwzp 0 0:0 0",
			      "1000-2000 rw-p zz 0:0 0", "1000 2000 rw-p 0 0:0 0",
			      "1000-2000 rw-p 0 0:0 x" };
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64];
		struct qr_map m;

		strcpy(buf, bad[i]);
		CHECK(qr_maps_line(buf, &m, &e) == -1);
	}
	CHECK_HAS(e.msg, "maps line");
}

TEST(cr_maps_classify)
{
	uint32_t f;
	const char *why;

	CHECK(classify("1000-2000 rw-p 0 0:0 0", &f, &why) == 0 && f == QRI_VMA_ANON);
	CHECK(classify("1000-2000 rw-p 0 0:0 0 [heap]", &f, &why) == 0 &&
	      f == (QRI_VMA_ANON | QRI_VMA_HEAP));
	CHECK(classify("1000-2000 rw-p 0 0:0 0 [stack]", &f, &why) == 0 &&
	      f == (QRI_VMA_ANON | QRI_VMA_STACK));
	CHECK(classify("1000-2000 r-xp 0 0:0 0 [vdso]", &f, &why) == 0 && f == QRI_VMA_VDSO);
	CHECK(classify("1000-2000 r--p 0 0:0 0 [vvar_vclock]", &f, &why) == 0 && f == QRI_VMA_VVAR);
	CHECK(classify("1000-2000 rw-s 0 fe:0 9 /data/f", &f, &why) == 0 && f == QRI_VMA_SHARED);
	CHECK(classify("1000-2000 r--p 0 fe:0 9 /bin/x", &f, &why) == 0 && f == 0);
	CHECK(classify("ffffffffff600000-ffffffffff601000 --xp 0 0:0 0 [vsyscall]", &f, &why) == 1);
	/* Shared anonymous memory: its object is saved once. */
	CHECK(classify("1000-2000 rw-s 0 0:1 7 /dev/zero (deleted)", &f, &why) == 0 &&
	      f == (QRI_VMA_SHARED | QRI_VMA_SHMEM));
	CHECK(classify("1000-2000 rw-s 0 0:5 7 /dev/sda", &f, &why) == -1);
	CHECK_STR(why, "a mapping of a device");
	CHECK(classify("1000-2000 rw-s 0 0:0 0", &f, &why) == -1);
	CHECK_STR(why, "shared anonymous memory");
	CHECK(classify("1000-2000 rw-s 0 0:1 7 /SYSV00000000 (deleted)", &f, &why) == 0 &&
	      f == (QRI_VMA_SHARED | QRI_VMA_SYSV));
	/* Replaced by an upgrade: private, carried as memory; shared, not. */
	CHECK(classify("1000-2000 r-xp 0 fe:0 9 /lib/libc.so.6 (deleted)", &f, &why) == 0 &&
	      f == QRI_VMA_ANON);
	CHECK(classify("1000-2000 rw-s 0 fe:0 9 /data/f (deleted)", &f, &why) == -1);
	CHECK_STR(why, "a shared mapping of a deleted file");
	CHECK(qr_path_deleted("/usr/bin/app (deleted)"));
	CHECK(!qr_path_deleted("/usr/bin/app"));
	/* memfds and /dev/shm files: shared, one object made by name;
	 * private, what the process saw as anonymous memory. */
	CHECK(classify("1000-2000 rw-s 0 0:1 7 /memfd:x (deleted)", &f, &why) == 0 &&
	      f == (QRI_VMA_SHARED | QRI_VMA_SHMEM));
	CHECK(classify("1000-2000 rw-s 0 0:17 7 /dev/shm/PostgreSQL.42", &f, &why) == 0 &&
	      f == (QRI_VMA_SHARED | QRI_VMA_SHMEM));
	CHECK(classify("1000-2000 rw-s 0 0:17 7 /dev/shm/x (deleted)", &f, &why) == 0 &&
	      f == (QRI_VMA_SHARED | QRI_VMA_SHMEM));
	CHECK(classify("1000-2000 rw-p 0 0:17 7 /dev/shm/x", &f, &why) == 0 &&
	      f == QRI_VMA_ANON);
	CHECK(classify("1000-2000 rw-p 0 0:1 7 /memfd:x (deleted)", &f, &why) == 0 &&
	      f == QRI_VMA_ANON);
	CHECK(classify("1000-2000 rw-s 0 0:17 7 /dev/shm/", &f, &why) == -1);
	CHECK(classify("1000-2000 rw-s 0 0:f 7 /anon_hugepage (deleted)", &f, &why) == -1);
	CHECK_STR(why, "a hugetlbfs mapping (huge pages)");
	CHECK(classify("1000-2000 rw-p 0 0:0 0 [uprobes]", &f, &why) == -1);
}

TEST(cr_maps_saves_pages)
{
	struct qr_map m = { .prot = PROT_READ };

	CHECK(qr_map_saves_pages(&m, QRI_VMA_ANON));
	CHECK(qr_map_saves_pages(&m, QRI_VMA_VDSO));
	CHECK(!qr_map_saves_pages(&m, QRI_VMA_VVAR));
	CHECK(!qr_map_saves_pages(&m, QRI_VMA_SHARED));
	m.prot = 0;
	CHECK(!qr_map_saves_pages(&m, QRI_VMA_ANON));
}

TEST(cr_stat_parse)
{
	/* A comm with ") " in it: fields are counted after the last ')'. */
	const char *s = "42 (a) b) S 1 40 41 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 3 0 "
		"100 1000 10 18446744073709551615 4194304 4700000 140737000000000 0 0 "
		"0 0 0 0 0 0 0 17 0 0 0 0 0 0 4800000 4810000 5000000 140737000001000 "
		"140737000001100 140737000001100 140737000002000 0\n";
	struct qr_stat st;
	struct qr_err e;

	CHECK(!qr_stat_parse(s, &st, &e));
	CHECK(st.state == 'S');
	CHECK_U64(st.ppid, 1);
	CHECK_U64(st.pgid, 40);
	CHECK_U64(st.sid, 41);
	CHECK_U64(st.nthreads, 3);
	CHECK_U64(st.start_code, 4194304);
	CHECK_U64(st.end_code, 4700000);
	CHECK_U64(st.start_stack, 140737000000000);
	CHECK_U64(st.start_data, 4800000);
	CHECK_U64(st.start_brk, 5000000);
	CHECK_U64(st.env_end, 140737000002000);
	CHECK(qr_stat_parse("42 (x) S 1 2", &st, &e) == -1);
	CHECK(qr_stat_parse("42 x S", &st, &e) == -1);
}

TEST(cr_status_parse)
{
	const char *s = "Name:\tx\nUmask:\t0027\nState:\tS\nTracerPid:\t0\n"
		"Uid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\n";
	struct qr_status st;
	struct qr_err e;

	CHECK(!qr_status_parse(s, &st, &e));
	CHECK_U64(st.umask, 027);
	CHECK_U64(st.uid[3], 4);
	CHECK_U64(st.gid[0], 5);
	CHECK(qr_status_parse("Uid:\t1\t2\n", &st, &e) == -1);
}

static struct user_regs_struct in_syscall(long ret)
{
	struct user_regs_struct r = { .orig_rax = 35, .rax = (unsigned long long)ret,
				      .rip = 0x401002 };
	return r;
}

TEST(cr_restart_rules)
{
	struct user_regs_struct r;

	for (long code = 512; code <= 514; code++) {
		r = in_syscall(-code);
		CHECK(qr_restart_fixup(&r) == QR_RESTART_AGAIN);
		CHECK_U64(r.rax, 35);
		CHECK_U64(r.rip, 0x401000);
	}
	r = in_syscall(-516);
	CHECK(qr_restart_fixup(&r) == QR_RESTART_EINTR);
	CHECK_U64(r.rax, (uint64_t)-EINTR);
	CHECK_U64(r.rip, 0x401002);
	r = in_syscall(0);
	CHECK(qr_restart_fixup(&r) == QR_RESTART_NONE);
	r = in_syscall(-512);
	r.orig_rax = (unsigned long long)-1;	/* not in a system call */
	CHECK(qr_restart_fixup(&r) == QR_RESTART_NONE);
	CHECK_U64(r.rax, (uint64_t)-512);
}

TEST(cr_sigframe)
{
	static uint8_t buf[QR_RST_FRAME_MAX], xs[1024];
	struct user_regs_struct r = { .rip = 0x1234, .rsp = 0x7ffe0000, .rax = 7,
				      .cs = 0x33, .ss = 0x2b, .eflags = 0x246 };
	struct qr_frame_in in = { .regs = &r, .xstate = xs, .xstate_len = sizeof(xs),
				  .sigmask = 0x4000 };
	uint64_t base = 0x10004000, uc, fp, ip, mask, bv = 7;
	uint32_t magic1, magic2, size;
	int32_t ss_flags;
	struct qr_err e;

	memcpy(xs + 512, &bv, sizeof(bv));
	uc = qr_sigframe_build(buf, sizeof(buf), base, &in, &e);
	CHECK_U64(uc, base + 8);
	memcpy(&ss_flags, buf + 8 + 24, 4);
	CHECK_U64(ss_flags, 2);		/* SS_DISABLE: no sigaltstack */
	memcpy(&ip, buf + 8 + 40 + 16 * 8, 8);
	CHECK_U64(ip, 0x1234);
	memcpy(&fp, buf + 8 + 40 + 184, 8);
	CHECK_U64(fp & 63, 0);
	memcpy(&mask, buf + 8 + 40 + 256, 8);
	CHECK_U64(mask, 0x4000);
	memcpy(&magic1, buf + (fp - base) + 464, 4);
	memcpy(&size, buf + (fp - base) + 464 + 16, 4);
	memcpy(&magic2, buf + (fp - base) + sizeof(xs), 4);
	CHECK_U64(magic1, 0x46505853);
	CHECK_U64(size, sizeof(xs));
	CHECK_U64(magic2, 0x46505845);
	CHECK_U64(qr_sigframe_build(buf, sizeof(buf), base + 8, &in, &e), 0);
	in.xstate_len = sizeof(buf);
	CHECK_U64(qr_sigframe_build(buf, sizeof(buf), base, &in, &e), 0);
}

TEST(cr_vdso_own)
{
	const uint8_t *v = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
	struct qr_vdso_sym syms[QR_VDSO_MAX_SYMS];
	struct qr_err e;
	int n, found = 0;

	if (!v)
		return;
	n = qr_vdso_syms(v, 8192, syms, &e);
	CHECK(n > 0);
	for (int i = 0; i < n; i++)
		found |= !strcmp(syms[i].name, "__vdso_clock_gettime");
	CHECK(found);
}

TEST(cr_vdso_bad)
{
	uint8_t img[256] = { 0 };
	struct qr_vdso_sym syms[QR_VDSO_MAX_SYMS];
	struct qr_err e;
	Elf64_Ehdr eh = { .e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64 },
			  .e_shentsize = sizeof(Elf64_Shdr), .e_phentsize = sizeof(Elf64_Phdr),
			  .e_shoff = 1000, .e_shnum = 1 };

	CHECK(qr_vdso_syms(img, sizeof(img), syms, &e) == -1);
	memcpy(img, &eh, sizeof(eh));
	CHECK(qr_vdso_syms(img, sizeof(img), syms, &e) == -1);
	CHECK_HAS(e.msg, "vDSO");
}

TEST(cr_vdso_link)
{
	struct qr_vdso_sym olds[] = { { "__vdso_time", 0x100, 0 }, { "__vdso_gone", 0x200, 0 },
				      { "__vdso_edge", 0x1ff8, 0 } };
	struct qr_vdso_sym news[] = { { "__vdso_edge", 0x10, 0 }, { "__vdso_time", 0x300, 0 } };
	struct qr_rst_tramp t[4];

	CHECK(qr_vdso_link(olds, 3, 0x7000, 0x2000, news, 2, 0x9000, t, 4) == 1);
	CHECK_U64(t[0].from, 0x7100);
	CHECK_U64(t[0].to, 0x9300);
}

TEST(cr_find_hole)
{
	const uint64_t a[][2] = { { 0x10000000, 0x10002000 }, { 0x10003000, 0x10005000 } };

	CHECK_U64(qr_find_hole(a, 2, 0x1000, 0x10000000, 1ull << 47), 0x10002000);
	CHECK_U64(qr_find_hole(a, 2, 0x2000, 0x10000000, 1ull << 47), 0x10005000);
	CHECK_U64(qr_find_hole(a, 2, 0x1000, 0x0fffe001, 1ull << 47), 0x0ffff000);
	CHECK_U64(qr_find_hole(a, 2, 0x2000, 0x10000000, 0x10006000), 0);
}
