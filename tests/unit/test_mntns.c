/* Mount namespaces: the mountinfo parser (checkpoint/mountinfo.c), the
 * plan of each mount (checkpoint/mntns_plan.c) and the image reader's
 * mount records (image/read_mntns.c). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint/mntns_plan.h"
#include "checkpoint/mountinfo.h"
#include "image/image.h"
#include "image_test.h"
#include "test.h"

/* init's, as systemd 252 on Debian 12 shows it (cut). */
static const char host_info[] =
	"21 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
	"22 21 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"23 21 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"24 21 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1000k,nr_inodes=250,mode=755,inode64\n"
	"25 24 0:22 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000\n"
	"26 21 0:23 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=200k,mode=755,inode64\n"
	"27 21 0:25 / /tmp\\040dir rw,relatime shared:9 - tmpfs tmpfs rw,inode64\n";

/* redis-server.service's view: slave of init's, a peer group each. */
static const char redis_info[] =
	"300 299 254:1 / / ro,relatime shared:150 master:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
	"301 300 254:1 /var/lib/redis /var/lib/redis rw,relatime shared:151 master:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
	"302 300 0:40 / /dev rw,nosuid,noexec,relatime shared:152 - tmpfs tmpfs rw,size=4k,mode=755,inode64\n"
	"303 302 0:22 / /dev/pts rw,nosuid,noexec,relatime shared:153 master:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000\n"
	"304 300 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:154 master:12 - proc proc rw\n"
	"305 300 0:25 /systemd-private-1-redis/tmp /tmp rw,relatime shared:155 master:9 - tmpfs tmpfs rw,inode64\n"
	"306 300 0:41 / /proc/x rw,relatime - proc proc rw,hidepid=invisible\n";

static int parse(const char *s, struct qr_mounts *ms, struct qr_err *e)
{
	return qr_mountinfo_parse(s, strlen(s), ms, e);
}

TEST(mountinfo_parses_fields_escapes_and_tags)
{
	struct qr_mounts ms;
	struct qr_err e;
	char f[96];

	CHECK(parse(host_info, &ms, &e) == 0);
	CHECK_U64(ms.n, 7);
	CHECK_U64(ms.m[0].id, 21);
	CHECK_U64(ms.m[0].parent, 1);
	CHECK_U64(ms.m[0].major, 254);
	CHECK_U64(ms.m[0].shared, 1);
	CHECK_STR(ms.m[0].source, "/dev/vda1");
	CHECK_STR(ms.m[1].fstype, "sysfs");
	CHECK_U64(ms.m[1].flags, QR_MNT_NOSUID | QR_MNT_NODEV | QR_MNT_NOEXEC | QR_MNT_RELATIME);
	CHECK_STR(qr_mount_flags_str(ms.m[1].flags, f, sizeof(f)), "rw,nosuid,nodev,noexec,relatime");
	CHECK_STR(ms.m[6].point, "/tmp dir");
	CHECK_STR(ms.m[3].super, "rw,size=1000k,nr_inodes=250,mode=755,inode64");
	qr_mounts_free(&ms);
	CHECK(parse(redis_info, &ms, &e) == 0);
	CHECK_U64(ms.m[0].flags, QR_MNT_RDONLY | QR_MNT_RELATIME);
	CHECK_U64(ms.m[0].master, 1);
	CHECK_U64(ms.m[0].shared, 150);
	CHECK_U64(ms.m[6].shared, 0);
	qr_mounts_free(&ms);
}

TEST(mountinfo_refuses_what_the_kernel_does_not_write)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "1 0 8:1 / / rw shared:1\n", "separator" },
		{ "1 0 8:1 / / rw shared:1 ext4 /dev/sda rw\n", "optional field at \"ext4\"" },
		{ "1 0 8:1 / / rw - ext4 /dev/sda\n", "too few fields after" },
		{ "1 0 8:1 / /a\\x rw - ext4 /dev/sda rw\n", "escape" },
		{ "1 0 8:1 / /a\\000 rw - ext4 /dev/sda rw\n", "escape" },
		{ "1 0 8:1 / / rw,fast - ext4 /dev/sda rw\n", "per-mount options" },
		{ "1 0 8:1 / / nosuid - ext4 /dev/sda rw\n", "per-mount options" },
		{ "1 0 8:1 / / ro,rw - ext4 /dev/sda rw\n", "per-mount options" },
		{ "1 0 8:1 / / rw shared:0 - ext4 /dev/sda rw\n", "optional field" },
		{ "1 0 8:1 / / rw shared:1 shared:2 - ext4 /dev/sda rw\n", "optional field" },
		{ "1 0 8:1 / / rw propagate_from:3 - ext4 /dev/sda rw\n", "optional field" },
		{ "1 0 8:1 / / rw future:1 - ext4 /dev/sda rw\n", "optional field" },
		{ "1 0 8:1 x / rw - ext4 /dev/sda rw\n", "absolute" },
		{ "1 0 8 / / rw - ext4 /dev/sda rw\n", "device" },
		{ "99999999999 0 8:1 / / rw - ext4 /dev/sda rw\n", "device" },
		{ "1 0 8:1 / / rw - ext4 /dev/sda rw extra\n", "after the super" },
		{ "1 0 8:1 / / rw - ext4 /dev/sda rw\n1 0 8:1 / /a rw - ext4 /dev/sda rw\n", "twice" },
		{ "1 0 8:1 / / rw - ext4 /dev/sda rw", "no newline" },
		{ "1 0 8:1 / / rw - ext4  rw\n", "too few" },
	};
	struct qr_mounts ms;
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].text, &ms, &e);

		CHECK(rc == -1);
		if (rc == -1)
			CHECK_HAS(e.msg, bad[i].needle);
		CHECK(ms.n == 0 && !ms.m);
	}
	CHECK(qr_mountinfo_parse("1 0 8:1 / / rw - ext4 a\0b rw\n", 28, &ms, &e) == -1);
	CHECK_HAS(e.msg, "NUL");
}

TEST(mntns_plan_of_a_systemd_sandbox)
{
	struct qr_mounts host, ns;
	struct qr_mnt_plan p;
	struct qr_err e;
	char why[QR_MNT_WHY_MAX];

	CHECK(parse(host_info, &host, &e) == 0);
	CHECK(parse(redis_info, &ns, &e) == 0);
	CHECK(qr_mntns_plan(&ns, &host, 0, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_BIND);
	CHECK_STR(p.host, "/");
	CHECK_U64(p.propagation, QRI_MNT_SHARED | QRI_MNT_SLAVE);
	CHECK(qr_mntns_plan(&ns, &host, 1, &p, why) == 0);
	CHECK_STR(p.host, "/var/lib/redis");
	CHECK(qr_mntns_plan(&ns, &host, 2, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_TMPFS);
	CHECK_U64(p.propagation, QRI_MNT_SHARED);
	CHECK(qr_mntns_plan(&ns, &host, 3, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_BIND);
	CHECK_STR(p.host, "/dev/pts");
	CHECK(qr_mntns_plan(&ns, &host, 4, &p, why) == 0);
	CHECK_STR(p.host, "/proc");
	CHECK(qr_mntns_plan(&ns, &host, 5, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_DIR);
	CHECK_STR(p.host, "/tmp dir/systemd-private-1-redis/tmp");
	CHECK(qr_mntns_plan(&ns, &host, 6, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_PROC);
	qr_mounts_free(&ns);
	/* Debian's /tmp on the root filesystem: emptied at boot all the same. */
	CHECK(parse("400 399 254:1 /tmp/systemd-private-1-r/tmp /tmp rw - ext4 /dev/vda1 rw\n", &ns, &e) == 0);
	CHECK(qr_mntns_plan(&ns, &host, 0, &p, why) == 0);
	CHECK_U64(p.how, QRI_MNT_DIR);
	CHECK_STR(p.host, "/tmp/systemd-private-1-r/tmp");
	CHECK_U64(p.propagation, 0);
	qr_mounts_free(&ns);
	qr_mounts_free(&host);
}

TEST(mntns_plan_refuses_by_mount_point)
{
	static const struct {
		const char *ns, *needle;
	} bad[] = {
		{ "1 0 254:1 / / rw - ext4 /dev/vda1 rw\n2 1 8:16 / /data rw - ext4 /dev/sdb rw\n",
		  "mount point /data (ext4 /dev/sdb): its filesystem (device 8:16) is mounted nowhere in init's namespace" },
		{ "1 0 254:1 / / rw shared:1 - ext4 /dev/vda1 rw\n",
		  "in peer group 1 with init's mount point /" },
		{ "1 0 254:1 / / rw shared:70 - ext4 /dev/vda1 rw\n2 1 254:1 /x /y rw shared:70 - ext4 /dev/vda1 rw\n",
		  "in peer group 70 with mount point / of the same namespace" },
		{ "1 0 254:1 / / rw master:5 - ext4 /dev/vda1 rw\n",
		  "a slave of peer group 5, which is not that of its filesystem's" },
		{ "1 0 254:1 / / rw - ext4 /dev/vda1 rw\n2 7 0:21 / /proc rw - proc proc rw\n",
		  "its parent mount 7 is not listed before it" },
		{ "1 0 254:1 / / rw,idmapped - ext4 /dev/vda1 rw\n", "an idmapped mount" },
		{ "1 0 254:1 / / rw - ext4 /dev/vda1 rw\n2 1 0:50 / /t rw - tmpfs tmpfs rw\n3 1 0:51 / /t rw - tmpfs tmpfs rw\n",
		  "another mount hides it" },
	};
	struct qr_mounts host, ns;
	struct qr_mnt_plan p;
	struct qr_err e;
	char why[QR_MNT_WHY_MAX];

	CHECK(parse(host_info, &host, &e) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = 0;

		CHECK(parse(bad[i].ns, &ns, &e) == 0);
		for (size_t j = 0; j < ns.n && !rc; j++)
			rc = qr_mntns_plan(&ns, &host, j, &p, why);
		CHECK(rc == -1);
		if (rc == -1)
			CHECK_HAS(why, bad[i].needle);
		qr_mounts_free(&ns);
	}
	qr_mounts_free(&host);
}

static uint8_t regs[QRI_REGS_SIZE];

/* A namespace of a root bind and a /dev tmpfs with a node, a link and a
 * file; bad_path replaces the file's path. */
static void mntns_image(struct qri_writer *w, const char *bad_path, uint64_t proc_ns)
{
	struct qri_mount root = { .ns = 77, .id = 1, .parent = 0, .how = QRI_MNT_BIND,
				  .flags = QRI_MNT_RDONLY | QRI_MNT_RELATIME,
				  .propagation = QRI_MNT_SHARED };
	struct qri_mount dev = { .ns = 77, .id = 2, .parent = 1, .how = QRI_MNT_TMPFS,
				 .flags = QRI_MNT_NOSUID | QRI_MNT_NOEXEC };
	struct qri_mount_entry top = { .ns = 77, .mount = 2, .mode = S_IFDIR | 0755 };
	struct qri_mount_entry null = { .ns = 77, .mount = 2, .mode = S_IFCHR | 0666,
					.rdev = (1 << 8) | 3 };
	struct qri_mount_entry link = { .ns = 77, .mount = 2, .mode = S_IFLNK | 0777,
					.size = 15 };
	struct qri_mount_entry file = { .ns = 77, .mount = 2, .mode = S_IFREG | 0644,
					.uid = 1000, .size = 5 };
	struct qri_process p = { .pid = 9, .ppid = 1, .pgid = 9, .sid = 9, .comm = "ns" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };
	struct qri_proc_mntns pm = { .pid = 9, .ns = proc_ns };

	qri_writer_init(w, "test");
	qri_add_mount(w, &root, "/", "/", "ext4", "/dev/vda1", "rw", "/");
	qri_add_mount(w, &dev, "/", "/dev", "tmpfs", "tmpfs", "rw,size=4k", NULL);
	qri_add_mount_entry(w, &top, "", NULL);
	qri_add_mount_entry(w, &null, "null", NULL);
	qri_add_mount_entry(w, &link, "stdin", "/proc/self/fd/0");
	qri_add_mount_entry(w, &file, bad_path ? bad_path : "note", "hello");
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
	qri_add_raw(w, QRI_PROC_MNTNS, 0, &pm, sizeof(pm), NULL, 0);
}

TEST(image_mntns_read)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	mntns_image(&w, NULL, 77);
	CHECK(qrt_image_parse(&w, &img, &e) == 0);
	CHECK_U64(img.nmounts, 2);
	CHECK_STR(img.mounts[0].host, "/");
	CHECK(img.mounts[1].host == NULL);
	CHECK_STR(img.mounts[1].super, "rw,size=4k");
	CHECK_U64(img.mounts[1].nentries, 4);
	CHECK_STR(img.mounts[1].entries[2].path, "stdin");
	CHECK(!memcmp(img.mounts[1].entries[3].data, "hello", 5));
	CHECK_U64(img.procs[0].mntns, 77);
	qri_free(&img);
}

TEST(image_mntns_refuses_paths_out_of_the_mount)
{
	static const char *const bad[] = { "../etc/passwd", "/etc/passwd", "a/../b",
					   "./note", "null/x", "stdin/x", "note/", "x//y",
					   "nodir/x", "null" };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mntns_image(&w, bad[i], 77);
		CHECK(qrt_image_parse(&w, &img, &e) == -1);
		CHECK_HAS(e.msg, "file of a mount");
	}
	mntns_image(&w, NULL, 78);
	CHECK(qrt_image_parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "namespace 78 has no mounts");
}
