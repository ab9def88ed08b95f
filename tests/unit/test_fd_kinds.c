/* The fd-kind table: each kind found by its image value and by what
 * /proc/PID/fd shows, and nothing else taken for one. */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fds/kind.h"
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
	struct stat tty = st_of(S_IFCHR | 0620, 136, 0);
	struct stat sock = st_of(S_IFSOCK | 0777, 0, 0);

	CHECK(qr_fd_kind_match("/var/log/x", &reg) == &qr_fd_file);
	CHECK(qr_fd_kind_match("/tmp", &dir) == &qr_fd_dir);
	CHECK(qr_fd_kind_match("/dev/null", &null) == &qr_fd_chardev);
	CHECK(qr_fd_kind_match("/etc/alternatives/x",
			       &(struct stat){ .st_mode = S_IFLNK | 0777 }) ==
	      &qr_fd_symlink);
	CHECK(qr_fd_kind_match("/var/log/x (deleted)", &reg) == &qr_fd_ghost);
	CHECK(qr_fd_kind_match("/memfd:pool (deleted)", &reg) == &qr_fd_memfd);
	/* A deleted directory, a terminal with state, a socket: no kind
	 * carries them. */
	CHECK(!qr_fd_kind_match("/tmp/gone (deleted)", &dir));
	CHECK(!qr_fd_kind_match("/dev/pts/0", &tty));
	CHECK(!qr_fd_kind_match("socket:[1234]", &sock));
	CHECK(!qr_fd_kind_match("anon_inode:[fanotify]", &reg));
	CHECK(!qr_fd_kind_match("anon_inode:[userfaultfd]", &reg));
	CHECK(!qr_fd_kind_match("anon_inode:[eventfd]x", &reg));
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
