/* Open file descriptions that two fds of the kept processes share (after
 * fork or dup: one offset, one set of flags). Restore opens each fd on its
 * own: they would come back as two. Candidates are grouped by the file
 * they open (fstat through /proc/PID/fd/N), then compared by kcmp(2)
 * KCMP_FILE. Character devices are left out: restore opens them anew
 * whatever they share, and their offset means nothing (/dev/null, a
 * console). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint/capture.h"
#include "lib/exit.h"

#define KCMP_FILE 0

struct open_fd {
	pid_t pid;
	int fd;
	dev_t dev;
	ino_t ino;
};

static int by_file(const void *a, const void *b)
{
	const struct open_fd *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd - y->fd;
}

static int list_fds(pid_t pid, struct open_fd **v, size_t *n, size_t *cap)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return 0;	/* the process's own check names it */
	while ((d = readdir(dir))) {
		char p[96];
		struct stat st;
		int fd = atoi(d->d_name);

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", pid, fd);
		if (stat(p, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			continue;
		if (*n == *cap) {
			struct open_fd *m = realloc(*v, (*cap = *cap ? *cap * 2 : 64) *
						    sizeof(*m));

			if (!m) {
				closedir(dir);
				return -1;
			}
			*v = m;
		}
		(*v)[(*n)++] = (struct open_fd){ pid, fd, st.st_dev, st.st_ino };
	}
	closedir(dir);
	return 0;
}

int qr_check_shared_files(const pid_t *pids, int npids)
{
	struct open_fd *v = NULL;
	size_t n = 0, cap = 0;
	int refused = 0;

	for (int i = 0; i < npids; i++)
		if (list_fds(pids[i], &v, &n, &cap)) {
			qr_error("checking shared files: out of memory");
			free(v);
			return 1;
		}
	if (n > 1)
		qsort(v, n, sizeof(*v), by_file);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n && v[j].dev == v[i].dev &&
		     v[j].ino == v[i].ino; j++) {
			long r = syscall(SYS_kcmp, v[i].pid, v[j].pid, KCMP_FILE,
					 v[i].fd, v[j].fd);

			if (r < 0) {
				qr_error("process %d: fd %d: kcmp with process %d fd %d: %s: a shared file cannot be ruled out",
					 v[i].pid, v[i].fd, v[j].pid, v[j].fd,
					 strerror(errno));
				refused++;
			} else if (r == 0) {
				if (v[i].pid == v[j].pid)
					qr_error("process %d: fd %d shares its open file (one offset) with its fd %d: not carried yet (restore would open it twice)",
						 v[i].pid, v[i].fd, v[j].fd);
				else
					qr_error("process %d: fd %d shares its open file (one offset) with process %d fd %d: not carried yet (restore would open it twice)",
						 v[i].pid, v[i].fd, v[j].pid, v[j].fd);
				refused++;
				break;	/* one line per description is enough */
			}
		}
	}
	free(v);
	return refused;
}
