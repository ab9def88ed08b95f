/* The kept units' files under /run: what a unit names (service/unit_run.c),
 * their image records (image/read_run.c) and how restore makes a file
 * (restore/filemake.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "restore/filemake.h"
#include "service/unit_run.h"
#include "image_test.h"
#include "test.h"

TEST(unit_run_names_pid_file_and_runtime_dirs)
{
	struct qr_run_list l = { 0 };
	struct qr_err e;

	CHECK(qr_unit_run_parse("nginx.service",
				"PIDFile=/run/nginx.pid\nRuntimeDirectory=nginx php/sub a:b\n",
				&l, &e) == 0);
	CHECK_U64(l.n, 5);
	CHECK_STR(l.v[0].who, "nginx.service: PIDFile=");
	CHECK_STR(l.v[0].path, "/run/nginx.pid");
	CHECK_STR(l.v[1].who, "nginx.service: RuntimeDirectory=");
	CHECK_STR(l.v[1].path, "/run/nginx");
	CHECK_STR(l.v[2].path, "/run/php/sub");
	CHECK_STR(l.v[3].path, "/run/a");
	CHECK_STR(l.v[4].path, "/run/b");
	qr_run_list_free(&l);
	CHECK(qr_unit_run_parse("x.service", "PIDFile=\nRuntimeDirectory=\n", &l, &e) == 0);
	CHECK_U64(l.n, 0);
}

TEST(unit_run_refuses_names_out_of_run)
{
	static const char *const bad[] = {
		"RuntimeDirectory=../etc\n", "RuntimeDirectory=/etc\n",
		"RuntimeDirectory=a//b\n", "RuntimeDirectory=a/./b\n",
		"RuntimeDirectory=ok a:..\n", "PIDFile=x.pid\n",
	};
	struct qr_run_list l = { 0 };
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(qr_unit_run_parse("x.service", bad[i], &l, &e) == -1);
		CHECK_HAS(e.msg, "x.service: ");
		qr_run_list_free(&l);
	}
}

/* /run's root, a directory above, the unit's tree with a file and a
 * link, and `bad` (a path, or NULL) as one more file. */
static void run_image(struct qri_writer *w, const char *point, const char *bad,
		      uint32_t root_flags, uint32_t file_flags)
{
	static const uint8_t regs[216];
	struct qri_run_entry root = { .mount = 1, .mode = S_IFDIR | 0755,
				      .flags = root_flags };
	struct qri_run_entry above = { .mount = 1, .mode = S_IFDIR | 0711,
				       .flags = QRI_RUN_ABOVE };
	struct qri_run_entry dir = { .mount = 1, .mode = S_IFDIR | 0750, .uid = 33,
				     .gid = 33 };
	struct qri_run_entry file = { .mount = 1, .mode = S_IFREG | 0640, .uid = 33,
				      .size = 5, .flags = file_flags };
	struct qri_run_entry link = { .mount = 1, .mode = S_IFLNK | 0777, .size = 4 };
	struct qri_process p = { .pid = 9, .ppid = 1, .pgid = 9, .sid = 9, .comm = "r" };
	struct qri_thread t = { .pid = 9, .tid = 9, .regs_len = sizeof(regs) };

	qri_writer_init(w, "test");
	qri_add_run_mount(w, 1, point);
	qri_add_run_entry(w, &root, "", NULL);
	qri_add_run_entry(w, &above, "php", NULL);
	qri_add_run_entry(w, &dir, "php/sub", NULL);
	qri_add_run_entry(w, &file, bad ? bad : "php/sub/x.pid", "4242\n");
	qri_add_run_entry(w, &link, "php/sub/l", "x.pi");
	qri_add_process(w, &p, "/", "/");
	qri_add_thread(w, &t, regs, NULL);
}

TEST(image_run_read)
{
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	run_image(&w, "/run", NULL, QRI_RUN_ABOVE, 0);
	CHECK(qrt_image_parse(&w, &img, &e) == 0);
	CHECK_U64(img.nruns, 1);
	CHECK_STR(img.runs[0].point, "/run");
	CHECK_U64(img.runs[0].nentries, 5);
	CHECK_U64(img.runs[0].entries[1].run_flags, QRI_RUN_ABOVE);
	CHECK_STR(img.runs[0].entries[3].path, "php/sub/x.pid");
	CHECK(!memcmp(img.runs[0].entries[3].data, "4242\n", 5));
	CHECK_U64(img.runs[0].entries[3].e.uid, 33);
	qri_free(&img);
}

TEST(image_run_refuses_paths_flags_and_points)
{
	static const char *const bad[] = { "../etc/passwd", "/etc/passwd", "php/../x",
					   "./x", "php/sub/x.pid/y", "nodir/x", "php",
					   "x//y" };
	static const char *const points[] = { "/etc", "/run/../etc", "/runx",
					       "/run/", "/run//lock", "run" };
	struct qri_writer w;
	struct qri_image img;
	struct qr_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run_image(&w, "/run", bad[i], QRI_RUN_ABOVE, 0);
		CHECK(qrt_image_parse(&w, &img, &e) == -1);
		CHECK_HAS(e.msg, "file under /run");
	}
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		run_image(&w, points[i], NULL, QRI_RUN_ABOVE, 0);
		CHECK(qrt_image_parse(&w, &img, &e) == -1);
		CHECK_HAS(e.msg, "tmpfs under /run");
	}
	run_image(&w, "/run", NULL, 0, 0);
	CHECK(qrt_image_parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "the root without them");
	run_image(&w, "/run", NULL, QRI_RUN_ABOVE, QRI_RUN_ABOVE);
	CHECK(qrt_image_parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "not a directory's");
	run_image(&w, "/run", NULL, QRI_RUN_ABOVE, 0x10);
	CHECK(qrt_image_parse(&w, &img, &e) == -1);
	CHECK_HAS(e.msg, "unknown");
}

TEST(file_make_leaves_a_directory_above_as_it_is)
{
	char base[] = "/tmp/qr-filemake-XXXXXX", path[64];
	struct qri_mount_entry_img above = {
		.e = { .mode = S_IFDIR | 0700 }, .path = "d", .run_flags = QRI_RUN_ABOVE,
	};
	struct qri_mount_entry_img dir = { .e = { .mode = S_IFDIR | 0750 }, .path = "d" };
	struct qri_mount_entry_img file = {
		.e = { .mode = S_IFREG | 0604, .uid = getuid(), .gid = getgid(), .size = 3 },
		.path = "d/f", .data = (uint8_t *)"42\n",
	};
	struct stat st;
	char buf[8] = "";
	FILE *f;

	CHECK(mkdtemp(base) != NULL);
	snprintf(path, sizeof(path), "%s/d", base);
	CHECK(mkdir(path, 0755) == 0);
	CHECK(qr_file_make(base, &above) == 0);
	CHECK(stat(path, &st) == 0);
	CHECK_U64(st.st_mode & 07777, 0755);
	errno = 0;
	CHECK(qr_file_make(base, &dir) == -1);
	CHECK_U64(errno, EEXIST);
	CHECK(qr_file_make(base, &file) == 0);
	snprintf(path, sizeof(path), "%s/d/f", base);
	CHECK(stat(path, &st) == 0);
	CHECK_U64(st.st_mode & 07777, 0604);
	f = fopen(path, "r");
	CHECK(f && fread(buf, 1, sizeof(buf) - 1, f) == 3);
	if (f)
		fclose(f);
	CHECK_STR(buf, "42\n");
	errno = 0;
	CHECK(qr_file_make(base, &file) == -1);
	CHECK_U64(errno, EEXIST);
	unlink(path);
	snprintf(path, sizeof(path), "%s/d", base);
	rmdir(path);
	rmdir(base);
}
