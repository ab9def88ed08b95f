/* Lock lines (/proc/locks, fdinfo "lock:") and inotify fdinfo lines: what
 * 6.1 and 6.12 print, and what the parsers refuse. */
#include "fds/inotify_line.h"
#include "fds/lock_line.h"
#include "test.h"

static struct qr_lock_line lk_ok(const char *s)
{
	struct qr_lock_line l;
	struct qr_err e = { "" };

	if (qr_lock_line_parse(s, &l, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_lock_line_parse", e.msg, s);
	return l;
}

static const char *lk_bad(const char *s)
{
	static struct qr_err e;
	struct qr_lock_line l;

	if (!qr_lock_line_parse(s, &l, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(lock_posix_range)
{
	struct qr_lock_line l = lk_ok("1: POSIX  ADVISORY  WRITE 6938 fe:00:10952981 10 14\n");

	CHECK(l.kind == QR_LK_POSIX);
	CHECK(l.write && !l.unlock && !l.waiter);
	CHECK_U64(l.pid, 6938);
	CHECK(l.has_inode);
	CHECK_U64(l.major, 0xfe);
	CHECK_U64(l.minor, 0);
	CHECK_U64(l.ino, 10952981);
	CHECK_U64(l.start, 10);
	CHECK_U64(l.end, 14);
}

TEST(lock_posix_to_eof)
{
	struct qr_lock_line l = lk_ok("2: POSIX  ADVISORY  READ 6938 08:01:12 100 EOF");

	CHECK(!l.write);
	CHECK_U64(l.start, 100);
	CHECK_U64(l.end, QR_LK_EOF);
	CHECK_U64(l.major, 8);
	CHECK_U64(l.minor, 1);
}

TEST(lock_ofd_flock)
{
	struct qr_lock_line l = lk_ok("1: OFDLCK ADVISORY  WRITE -1 fe:00:10952982 0 49");

	CHECK(l.kind == QR_LK_OFD);
	CHECK(l.pid == -1);
	CHECK_U64(l.end, 49);
	l = lk_ok("12: FLOCK  ADVISORY  READ 77 103:05:2 0 EOF");
	CHECK(l.kind == QR_LK_FLOCK);
	CHECK(!l.write);
	CHECK_U64(l.major, 0x103);
	CHECK_U64(l.minor, 5);
}

TEST(lock_waiter_and_others)
{
	struct qr_lock_line l = lk_ok("3: -> POSIX  ADVISORY  WRITE 900 fe:00:5 150 159");

	CHECK(l.waiter);
	CHECK_U64(l.pid, 900);
	l = lk_ok("4: LEASE  ACTIVE    READ 55 fe:00:5 0 EOF");
	CHECK(l.kind == QR_LK_LEASE && !l.breaking);
	l = lk_ok("4: LEASE  BREAKING  UNLCK 55 fe:00:5 0 EOF");
	CHECK(l.kind == QR_LK_LEASE && l.unlock && l.breaking);
	l = lk_ok("4: LEASE  BREAKER   READ 55 fe:00:5 0 EOF");
	CHECK(l.breaking);
	l = lk_ok("4: POSIX  ADVISORY  READ 55 fe:00:5 0 EOF");
	CHECK(!l.breaking);
	l = lk_ok("5: DELEG  ACTIVE    READ 55 fe:00:5 0 EOF");
	CHECK(l.kind == QR_LK_DELEG);
	l = lk_ok("6: POSIX  MANDATORY WRITE 55 fe:00:5 0 EOF");
	CHECK(l.kind == QR_LK_MANDATORY);
	l = lk_ok("7: POSIX  *NOINODE* WRITE 55 <none>:0 0 EOF");
	CHECK(!l.has_inode);
	l = lk_ok("8: UNKNOWN UNKNOWN  UNLCK 0 fe:00:5 0 EOF");
	CHECK(l.kind == QR_LK_UNKNOWN);
	CHECK_STR(qr_lock_kind_name(QR_LK_OFD), "OFDLCK");
}

TEST(lock_refused)
{
	CHECK_HAS(lk_bad(""), "number");
	CHECK_HAS(lk_bad("x: POSIX  ADVISORY  WRITE 1 fe:00:5 0 EOF"), "'x'");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  WRITE 1 fe:00:5 0"), "words");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  WRITE 1 fe:00:5 0 EOF x"), "words");
	CHECK_HAS(lk_bad("1: SPLOCK ADVISORY  WRITE 1 fe:00:5 0 EOF"), "SPLOCK");
	CHECK_HAS(lk_bad("1: FLOCK  ACTIVE  WRITE 1 fe:00:5 0 EOF"), "ACTIVE");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  BOTH 1 fe:00:5 0 EOF"), "BOTH");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1x fe:00:5 0 EOF"), "1x");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ - fe:00:5 0 EOF"), "owner");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fe:00 0 EOF"), "fe:00");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fg:00:1 0 EOF"), "MAJ:MIN");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fe:00:5 9 3"), "from 9");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fe:00:5 0 9223372036854775808"), "end");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fe:00:5 99999999999999999999 EOF"), "start");
	CHECK_HAS(lk_bad("1: POSIX  ADVISORY  READ 1 fe:00:5 0 EOF\nx"), "one line");
	CHECK_HAS(lk_bad("1: -> -> POSIX  ADVISORY  READ 1 fe:00:5 0 EOF"), "words");
}

static struct qr_inotify_line in_ok(const char *s)
{
	struct qr_inotify_line w;
	struct qr_err e = { "" };

	if (qr_inotify_line_parse(s, &w, &e))
		qr_test_fail_str(__FILE__, __LINE__, "qr_inotify_line_parse", e.msg, s);
	return w;
}

static const char *in_bad(const char *s)
{
	static struct qr_err e;
	struct qr_inotify_line w;

	if (!qr_inotify_line_parse(s, &w, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(inotify_line_with_handle)
{
	struct qr_inotify_line w = in_ok("inotify wd:2 ino:a72115 sdev:fe00000 mask:4000002 "
		"ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:1521a70002efbbbb\n");

	CHECK_U64(w.wd, 2);
	CHECK_U64(w.ino, 0xa72115);
	CHECK_U64(w.sdev, 0xfe00000);
	CHECK_U64(w.mask, 0x4000002);
	CHECK_U64(w.handle_bytes, 8);
	CHECK_U64(w.handle_type, 1);
	CHECK_U64(w.handle[0], 0x15);
	CHECK_U64(w.handle[7], 0xbb);
}

TEST(inotify_line_without_handle)
{
	struct qr_inotify_line w = in_ok("inotify wd:7fffffff ino:1 sdev:800001 mask:80000100 ignored_mask:0 ");

	CHECK_U64(w.wd, 0x7fffffff);
	CHECK_U64(w.handle_bytes, 0);
}

TEST(inotify_line_refused)
{
	CHECK_HAS(in_bad("fanotify wd:1"), "not an inotify");
	CHECK_HAS(in_bad("inotify wd:0 ino:1 sdev:1 mask:1 ignored_mask:0"), "descriptor 0");
	CHECK_HAS(in_bad("inotify wd:80000000 ino:1 sdev:1 mask:1 ignored_mask:0"), "wd");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 mask:1 ignored_mask:0"), "sdev");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1 ignored_mask:2"), "ignored_mask 2");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1x ignored_mask:0"), "mask");
	CHECK_HAS(in_bad("inotify wd:1 ino:11111111111111111 sdev:1 mask:1 ignored_mask:0"), "ino");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1 ignored_mask:0 fhandle-bytes:81 "
			 "fhandle-type:1 f_handle:00"), "handle");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1 ignored_mask:0 fhandle-bytes:2 "
			 "fhandle-type:1 f_handle:001"), "2 bytes");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1 ignored_mask:0 fhandle-bytes:2 "
			 "fhandle-type:1 f_handle:00zz"), "not hex");
	CHECK_HAS(in_bad("inotify wd:1 ino:1 sdev:1 mask:1 ignored_mask:0 fhandle-bytes:0 "
			 "fhandle-type:1 f_handle:"), "handle");
}

TEST(mountinfo_point)
{
	const char *mi =
		"22 1 254:1 /sub /bind rw - ext4 /dev/vda1 rw\n"
		"23 1 254:1 / /mnt/my\\040disk rw,noatime - ext4 /dev/vda1 rw\n"
		"24 1 0:5 / /dev rw - devtmpfs udev rw\n"
		"25 1 8:1 /x /only\\134bind rw - ext4 /dev/sda1 rw";
	char out[64];

	CHECK(!qr_mountinfo_point(mi, 254, 1, out, sizeof(out)));
	CHECK_STR(out, "/mnt/my disk");
	CHECK(!qr_mountinfo_point(mi, 0, 5, out, sizeof(out)));
	CHECK_STR(out, "/dev");
	CHECK(!qr_mountinfo_point(mi, 8, 1, out, sizeof(out)));
	CHECK_STR(out, "/only\\bind");
	CHECK(qr_mountinfo_point(mi, 8, 2, out, sizeof(out)));
	CHECK(qr_mountinfo_point(mi, 254, 1, out, 5));
	CHECK(qr_mountinfo_point("1 2 3:4 / /a\\000b x", 3, 4, out, sizeof(out)));
	CHECK(qr_mountinfo_point("1 2 3:4", 3, 4, out, sizeof(out)));
	CHECK(qr_mountinfo_point("", 3, 4, out, sizeof(out)));
}

static struct qri_lock lock_of(uint32_t kind, uint32_t write, uint32_t pid,
			       uint64_t start, uint64_t end)
{
	struct qri_lock q = { .kind = kind, .write = write, .pid = pid,
			      .start = start, .end = end };

	return q;
}

/* Checks a head of n locks and the locks q, as they would be in data. */
static int check_locks(const struct qri_lock *q, uint32_t n, size_t extra,
		       size_t *end, struct qr_err *e)
{
	static uint8_t buf[8 + 4 * sizeof(struct qri_lock) + 16];
	struct qri_locks_head h = { .nlocks = n };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), q, n * sizeof(*q));
	return qr_locks_data_check(buf, sizeof(h) + n * sizeof(*q) + extra, end, e);
}

TEST(lock_data_checked)
{
	struct qri_lock q[4] = {
		lock_of(QRI_LOCK_POSIX, 1, 42, 100, 199),
		lock_of(QRI_LOCK_OFD, 0, 0, 0, QRI_LOCK_EOF),
		lock_of(QRI_LOCK_FLOCK, 1, 42, 0, QRI_LOCK_EOF),
		lock_of(QRI_LOCK_LEASE, 0, 42, 0, QRI_LOCK_EOF),
	};
	uint8_t head[8] = { 1 };
	struct qr_err e;
	size_t end;

	CHECK(!check_locks(q, 4, 0, &end, &e));
	CHECK_U64(end, 8 + sizeof(q));
	/* what follows is the kind's own (a tmpfs file's contents) */
	CHECK(!check_locks(q, 4, 5, &end, &e));
	CHECK_U64(end, 8 + sizeof(q));
	CHECK(!check_locks(q, 0, 0, &end, &e));
	CHECK_U64(end, 8);
	CHECK(!qr_locks_data_check(NULL, 0, &end, &e));
	CHECK_U64(end, 0);
	CHECK(qr_locks_data_check(head, 7, &end, &e));
	CHECK_HAS(e.msg, "shorter than its head");
	CHECK(qr_locks_data_check(head, 8, &end, &e));
	CHECK_HAS(e.msg, "1 locks do not fit in 8 bytes");
	head[0] = 0;
	head[4] = 1;
	CHECK(qr_locks_data_check(head, 8, &end, &e));
#define BAD(...)							\
	do {								\
		struct qri_lock b_ = lock_of(__VA_ARGS__);		\
		if (!check_locks(&b_, 1, 0, &end, &e))			\
			qr_test_fail(__FILE__, __LINE__, "accepted " #__VA_ARGS__); \
	} while (0)
	BAD(0, 0, 1, 0, 1);
	BAD(5, 0, 1, 0, 1);
	BAD(QRI_LOCK_LEASE, 0, 0, 0, QRI_LOCK_EOF);
	BAD(QRI_LOCK_LEASE, 0, 7, 0, 9);
	BAD(QRI_LOCK_POSIX, 2, 1, 0, 1);
	BAD(QRI_LOCK_POSIX, 0, 0, 0, 1);
	BAD(QRI_LOCK_POSIX, 0, QRI_PID_MAX + 1, 0, 1);
	BAD(QRI_LOCK_POSIX, 0, 1, 5, 4);
	BAD(QRI_LOCK_POSIX, 0, 1, 0, 1ull << 63);
	BAD(QRI_LOCK_POSIX, 0, 1, 1ull << 63, QRI_LOCK_EOF);
	BAD(QRI_LOCK_OFD, 0, 7, 0, 1);
	BAD(QRI_LOCK_FLOCK, 0, 7, 1, QRI_LOCK_EOF);
	BAD(QRI_LOCK_FLOCK, 0, 7, 0, 9);
#undef BAD
	q[1] = q[2];
	CHECK(check_locks(q, 3, 0, &end, &e));
	CHECK_HAS(e.msg, "lock 2");
	q[2] = q[3];
	CHECK(check_locks(&q[2], 2, 0, &end, &e));
	CHECK_HAS(e.msg, "lock 1");
}

/* Appends a watch as capture writes it. */
static size_t put_watch(uint8_t *buf, size_t off, uint32_t wd, uint32_t mask,
			const char *path)
{
	struct qri_inotify_watch w = { .wd = wd, .mask = mask,
				       .path_len = strlen(path), .ino = 5 };

	memcpy(buf + off, &w, sizeof(w));
	memcpy(buf + off + sizeof(w), path, w.path_len);
	return off + sizeof(w) + ((w.path_len + 7) & ~7u);
}

TEST(inotify_data_checked)
{
	uint8_t buf[256] = { 0 };
	char path[QRI_MAX_PATH + 1];
	struct qri_inotify_watch w;
	struct qr_err e;
	size_t len = put_watch(buf, 0, 1, 0x4000300, "/mnt/disk/cr/watched"), off = 0;

	len = put_watch(buf, len, 3, 0x2, "/a");
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == 1);
	CHECK_U64(w.wd, 1);
	CHECK_STR(path, "/mnt/disk/cr/watched");
	CHECK(qr_inotify_data_next(buf, len, &off, w.wd, &w, path, &e) == 1);
	CHECK_U64(w.wd, 3);
	CHECK_STR(path, "/a");
	CHECK(qr_inotify_data_next(buf, len, &off, w.wd, &w, path, &e) == 0);
	off = 0;
	CHECK(qr_inotify_data_next(buf, len - 1, &off, 0, &w, path, &e) == 1);
	CHECK(qr_inotify_data_next(buf, len - 1, &off, 1, &w, path, &e) == -1);
	off = 0;
	CHECK(qr_inotify_data_next(buf, len, &off, 1, &w, path, &e) == -1);
	CHECK_HAS(e.msg, "after watch 1");
	off = 0;
	len = put_watch(buf, 0, 1, 0x10000000, "/x");
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == -1);
	CHECK_HAS(e.msg, "mask");
	len = put_watch(buf, 0, 1, 0x2, "rel");
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == -1);
	len = put_watch(buf, 0, 1, 0x2, "/x");
	buf[sizeof(w) + 3] = 1;
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == -1);
	CHECK_HAS(e.msg, "padding");
	buf[sizeof(w) + 3] = 0;
	buf[sizeof(w) + 1] = 0;
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == -1);
	off = 10;
	CHECK(qr_inotify_data_next(buf, 4, &off, 0, &w, path, &e) == -1);
	w.path_len = 0xffffffffu;
	w.wd = 1;
	w.mask = 2;
	w.pad = 0;
	memcpy(buf, &w, sizeof(w));
	off = 0;
	CHECK(qr_inotify_data_next(buf, sizeof(buf), &off, 0, &w, path, &e) == -1);
}

/* The group's next wd: a last entry without a path, above every watch. */
TEST(inotify_data_next_wd)
{
	struct qri_inotify_watch w, nx = { .wd = 5 };
	char path[QRI_MAX_PATH + 1];
	uint8_t buf[256] = { 0 };
	struct qr_err e;
	size_t len = put_watch(buf, 0, 3, 0x2, "/a"), off = 0;

	memcpy(buf + len, &nx, sizeof(nx));
	len += sizeof(nx);
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == 1);
	CHECK(qr_inotify_data_next(buf, len, &off, 3, &w, path, &e) == 2);
	CHECK_U64(w.wd, 5);
	CHECK_U64(off, len);
	CHECK(qr_inotify_data_next(buf, len, &off, 5, &w, path, &e) == 0);
	off = 0;		/* not the last entry */
	CHECK(qr_inotify_data_next(buf, len + 8, &off, 0, &w, path, &e) == 1);
	CHECK(qr_inotify_data_next(buf, len + 8, &off, 3, &w, path, &e) == -1);
	CHECK_HAS(e.msg, "after the next wd");
	nx.wd = 3;		/* not above the last watch */
	memcpy(buf + len - sizeof(nx), &nx, sizeof(nx));
	off = 0;
	CHECK(qr_inotify_data_next(buf, len, &off, 0, &w, path, &e) == 1);
	CHECK(qr_inotify_data_next(buf, len, &off, 3, &w, path, &e) == -1);
	CHECK_HAS(e.msg, "next wd 3");
}
