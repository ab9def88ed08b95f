/* See netlock.h. The lock is a classic socket filter that accepts
 * nothing, attached to the socket through a duplicate of the kept
 * process's fd: TCP runs a socket's filter on every segment before it
 * looks at it (tcp_filter in tcp_v4_rcv and tcp_v6_rcv), so a filtered
 * segment is neither queued, acknowledged nor answered with a reset; a
 * listener's filter drops SYNs and handshake ACKs the same way (the
 * client retries its SYN until the New kernel listens). The segments
 * the socket sends (retransmissions, ACKs of what the image holds) are
 * harmless. Unlocking detaches it: a filter exactly like the lock is
 * taken for it, one of the program's own is refused at capture. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/netlock.h"
#include "lib/exit.h"

static struct sock_filter drop_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* How many instructions s's filter has (0: none); -1 if unreadable. */
static int filter_len(int s)
{
	socklen_t len = 0;

	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &len))
		return -1;
	return (int)len;
}

bool qr_netlocked(int s)
{
	struct sock_filter f[1];
	socklen_t len = 1;

	return filter_len(s) == 1 &&
	       !getsockopt(s, SOL_SOCKET, SO_GET_FILTER, f, &len) &&
	       !memcmp(f, drop_all, sizeof(f));
}

int qr_netlock(int s, bool dry, const char **why)
{
	struct sock_fprog p = { 1, drop_all };
	int n = filter_len(s);

	if (n < 0) {
		/* An eBPF program has no classic one to read back. */
		*why = errno == EACCES ? "an eBPF socket filter of its own (SO_ATTACH_BPF)" :
		       "its socket filter cannot be read";
		return -1;
	}
	if (n && !qr_netlocked(s)) {
		*why = "a socket filter of its own (SO_ATTACH_FILTER)";
		return -1;
	}
	if (!dry && setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p))) {
		*why = errno == EPERM ? "its socket filter is locked (SO_LOCK_FILTER)" :
		       "the lock (SO_ATTACH_FILTER) failed";
		return -1;
	}
	return 0;
}

static int unlock_process(pid_t pid)
{
	char path[64], link[64];
	struct dirent *d;
	int bad = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return 0;	/* gone: nothing of it to unlock */
	while ((d = readdir(dir))) {
		int fd = atoi(d->d_name), s, proto = 0, zero = 0;
		socklen_t len = sizeof(proto);
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (d->d_name[0] == '.' || n < 8 || strncmp(link, "socket:[", 8))
			continue;
		s = qr_fd_dup(pid, fd);
		if (s < 0)
			continue;
		if (!getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &len) &&
		    proto == IPPROTO_TCP && qr_netlocked(s) &&
		    setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &zero,
			       sizeof(zero))) {
			qr_error("process %d: fd %d: TCP socket: its packets stay dropped: %s",
				 pid, fd, strerror(errno));
			bad++;
		}
		close(s);
	}
	closedir(dir);
	return bad;
}

/* pid and its descendants (/proc/PID/task/TID/children), to depth. */
static int unlock_tree(pid_t pid, int depth)
{
	char path[96];
	struct dirent *t;
	int bad = unlock_process(pid);
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	tasks = depth < 64 ? opendir(path) : NULL;
	while (tasks && (t = readdir(tasks))) {
		FILE *f;
		int child;

		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", pid,
			 t->d_name);
		f = fopen(path, "re");
		while (f && fscanf(f, "%d", &child) == 1)
			bad += unlock_tree(child, depth + 1);
		if (f)
			fclose(f);
	}
	if (tasks)
		closedir(tasks);
	return bad;
}

int qr_netunlock(const pid_t *pids, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++)
		bad += unlock_tree(pids[i], 0);
	return bad;
}
