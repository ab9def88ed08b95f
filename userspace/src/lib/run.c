/* fork/exec/wait of helper programs. */
#define _GNU_SOURCE
#include "lib/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/exit.h"

#define DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* out_fd: where the program's stdout goes (-1: our stderr). */
static int run(char *const argv[], int out_fd)
{
	int status;
	pid_t pid;

	if (!getenv("PATH") && setenv("PATH", DEFAULT_PATH, 0)) {
		qr_error("cannot set PATH: %s", strerror(errno));
		return 127;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		qr_error("cannot run %s: %s", argv[0], strerror(errno));
		return 127;
	}
	if (pid == 0) {
		dup2(out_fd >= 0 ? out_fd : STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		qr_error("cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			qr_error("waiting for %s: %s", argv[0], strerror(errno));
			return 127;
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int qr_run(char *const argv[])
{
	return run(argv, -1);
}

int qr_run_output(char *const argv[], char *out, size_t size)
{
	/* A file, not a pipe: nothing to drain while waiting for the program. */
	int fd = memfd_create("qr-run-output", MFD_CLOEXEC), rc;
	ssize_t n;

	if (fd < 0) {
		qr_error("cannot run %s: %s", argv[0], strerror(errno));
		return 127;
	}
	rc = run(argv, fd);
	n = pread(fd, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}
