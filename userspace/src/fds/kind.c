/* The table of fd kinds (kind.h). */
#include "fds/kind.h"

const struct qr_fd_kind *const qr_fd_kinds[] = {
	&qr_fd_file,
	&qr_fd_dir,
	&qr_fd_chardev,
	&qr_fd_ptmx,
	&qr_fd_pts,
	&qr_fd_symlink,
	&qr_fd_pipe,
	&qr_fd_fifo,
	&qr_fd_memfd,	/* before the deleted files it looks like */
	&qr_fd_ghost,
	&qr_fd_eventfd,
	&qr_fd_timerfd,
	&qr_fd_signalfd,
	&qr_fd_epoll,
	&qr_fd_inotify,
	&qr_fd_journal,	/* before the UNIX sockets it is one of */
	&qr_fd_unix,
	&qr_fd_tcp,
	&qr_fd_udp,
};

const size_t qr_fd_nkinds = sizeof(qr_fd_kinds) / sizeof(qr_fd_kinds[0]);

const struct qr_fd_kind *qr_fd_kind(uint32_t kind)
{
	for (size_t i = 0; i < qr_fd_nkinds; i++)
		if (qr_fd_kinds[i]->kind == kind)
			return qr_fd_kinds[i];
	return NULL;
}

const struct qr_fd_kind *qr_fd_kind_match(const char *link,
					  const struct stat *st)
{
	for (size_t i = 0; i < qr_fd_nkinds; i++)
		if (qr_fd_kinds[i]->match && qr_fd_kinds[i]->match(link, st))
			return qr_fd_kinds[i];
	return NULL;
}

const struct qr_fd_kind *qr_fd_kind_match_fd(pid_t pid, int fd,
					     const char *link,
					     const struct stat *st)
{
	const struct qr_fd_kind *k = qr_fd_kind_match(link, st);

	for (size_t i = 0; !k && i < qr_fd_nkinds; i++)
		if (qr_fd_kinds[i]->match_fd &&
		    qr_fd_kinds[i]->match_fd(pid, fd, st))
			k = qr_fd_kinds[i];
	return k;
}
