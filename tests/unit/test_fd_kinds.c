/* The fd-kind table: each kind found by its image value and by what
 * /proc/PID/fd shows, and nothing else taken for one. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fds/kind.h"
#include "fds/pty.h"
#include "test.h"

static struct stat st_of(mode_t mode, unsigned int ma, unsigned int mi)
{
	struct stat st = { .st_mode = mode, .st_rdev = makedev(ma, mi) };

	return st;
}

TEST(fd_kind_by_value)
{
	CHECK(qr_fd_kind(QRI_FD_FILE) == &qr_fd_file);
	CHECK(qr_fd_kind(QRI_FD_DIR) == &qr_fd_dir);
	CHECK(qr_fd_kind(QRI_FD_CHARDEV) == &qr_fd_chardev);
	CHECK(qr_fd_kind(QRI_FD_SYMLINK) == &qr_fd_symlink);
	CHECK(!qr_fd_kind(0));
	CHECK(!qr_fd_kind(0xffffffffu));
}

TEST(fd_kind_by_link)
{
	struct stat reg = st_of(S_IFREG | 0644, 0, 0);
	struct stat dir = st_of(S_IFDIR | 0755, 0, 0);
	struct stat null = st_of(S_IFCHR | 0666, 1, 3);
	struct stat pts = st_of(S_IFCHR | 0620, 137, 4);
	struct stat ptmx = st_of(S_IFCHR | 0666, 5, 2);
	struct stat tty = st_of(S_IFCHR | 0666, 5, 0);
	struct stat sock = st_of(S_IFSOCK | 0777, 0, 0);

	CHECK(qr_fd_kind_match("/var/log/x", &reg) == &qr_fd_file);
	CHECK(qr_fd_kind_match("/tmp", &dir) == &qr_fd_dir);
	CHECK(qr_fd_kind_match("/dev/null", &null) == &qr_fd_chardev);
	CHECK(qr_fd_kind_match("/etc/alternatives/x",
			       &(struct stat){ .st_mode = S_IFLNK | 0777 }) ==
	      &qr_fd_symlink);
	CHECK(qr_fd_kind_match("/var/log/x (deleted)", &reg) == &qr_fd_ghost);
	CHECK(qr_fd_kind_match("/memfd:pool (deleted)", &reg) == &qr_fd_memfd);
	CHECK(qr_fd_kind_match("/dev/pts/260", &pts) == &qr_fd_pts);
	CHECK(qr_pty_index(pts.st_rdev) == 260);
	CHECK(qr_fd_kind_match("/dev/ptmx", &ptmx) == &qr_fd_ptmx);
	/* A deleted directory, the controlling terminal's alias, a socket:
	 * no kind carries them. */
	CHECK(!qr_fd_kind_match("/tmp/gone (deleted)", &dir));
	CHECK(!qr_fd_kind_match("/dev/tty", &tty));
	CHECK(!qr_fd_kind_match("socket:[1234]", &sock));
	CHECK(!qr_fd_kind_match("anon_inode:[fanotify]", &reg));
	CHECK(!qr_fd_kind_match("anon_inode:[userfaultfd]", &reg));
	CHECK(!qr_fd_kind_match("anon_inode:[eventfd]x", &reg));
}

/* The pty records, as the image reader checks them. */
TEST(fd_kind_pty_valid)
{
	struct qr_ptmx_rec m = { .index = 3, .mode = 0620, .sid = 40, .pgrp = 41 };
	struct qr_pts_rec s = { .index = 3, .flags = QR_PTY_EXCL };
	struct qri_file_img f = {
		.f = { .kind = QRI_FD_PTMX, .open_flags = O_RDWR, .object = 3,
		       .data_len = sizeof(m) },
		.data = (uint8_t *)&m,
	};
	struct qr_err e;

	CHECK(qr_ptmx_valid(&f, &e) == 0);
	m.pgrp = 0;
	CHECK(qr_ptmx_valid(&f, &e) == -1);
	m.pgrp = 41;
	m.mode = 0100620;
	CHECK(qr_ptmx_valid(&f, &e) == -1);
	m.mode = 0620;
	f.f.object = 4;
	CHECK(qr_ptmx_valid(&f, &e) == -1);
	f.f.object = 3;
	f.f.data_len--;
	CHECK(qr_ptmx_valid(&f, &e) == -1);
	{
		/* The master's queue follows its record, counted. */
		uint8_t buf[sizeof(m) + 3];

		m.queue_len = 3;
		memcpy(buf, &m, sizeof(m));
		memcpy(buf + sizeof(m), "abc", 3);
		f.data = buf;
		f.f.data_len = sizeof(buf);
		CHECK(qr_ptmx_valid(&f, &e) == 0);
		f.f.data_len--;
		CHECK(qr_ptmx_valid(&f, &e) == -1);
	}
	f.f = (struct qri_file){ .kind = QRI_FD_PTS, .open_flags = O_RDWR | O_NONBLOCK,
				 .object = 3, .data_len = sizeof(s) };
	f.data = (uint8_t *)&s;
	CHECK(qr_pts_valid(&f, &e) == 0);
	s.flags = QR_PTY_LOCKED;
	CHECK(qr_pts_valid(&f, &e) == -1);
	s.flags = 0;
	s.queue_len = 1;
	CHECK(qr_pts_valid(&f, &e) == -1);
	s.queue_len = 0;
	s.flags = 0;
	s.index = QR_PTY_MAX_INDEX;
	f.f.object = s.index;
	CHECK(qr_pts_valid(&f, &e) == -1);
}

TEST(fd_kind_event)
{
	struct stat anon = st_of(0600, 0, 0);

	CHECK(qr_fd_kind_match("anon_inode:[eventfd]", &anon) == &qr_fd_eventfd);
	CHECK(qr_fd_kind_match("anon_inode:[timerfd]", &anon) == &qr_fd_timerfd);
	CHECK(qr_fd_kind_match("anon_inode:[signalfd]", &anon) == &qr_fd_signalfd);
	CHECK(qr_fd_kind_match("anon_inode:[eventpoll]", &anon) == &qr_fd_epoll);
	CHECK(qr_fd_kind(QRI_FD_EVENTFD) == &qr_fd_eventfd);
	CHECK(qr_fd_kind(QRI_FD_TIMERFD) == &qr_fd_timerfd);
	CHECK(qr_fd_kind(QRI_FD_SIGNALFD) == &qr_fd_signalfd);
	CHECK(qr_fd_kind(QRI_FD_EPOLL) == &qr_fd_epoll);
	/* inotify's link has no brackets */
	CHECK(qr_fd_kind_match("anon_inode:inotify", &anon) == &qr_fd_inotify);
	CHECK(!qr_fd_kind_match("anon_inode:[inotify]", &anon));
	CHECK(qr_fd_kind(QRI_FD_INOTIFY) == &qr_fd_inotify);
}
