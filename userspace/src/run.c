/* fork/exec/wait of helper programs. */
#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

int qr_run(char *const argv[])
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
		dup2(STDERR_FILENO, STDOUT_FILENO);
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
