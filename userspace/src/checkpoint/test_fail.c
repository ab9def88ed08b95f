/* See test_fail.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/exit.h"
#include "checkpoint/test_fail.h"

int qr_test_fail(const char *step)
{
	const char *v = getenv("QUICKREBOOT_TEST_FAIL");

	if (!v || strcmp(v, step))
		return 0;
	qr_error("checkpoint: failure injected at %s (QUICKREBOOT_TEST_FAIL, a test setting)",
		 step);
	return 1;
}

void qr_test_pause(const char *step)
{
	const char *v = getenv("QUICKREBOOT_TEST_PAUSE");
	size_t n = strlen(step);
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	const char *file;
	int fd;

	if (!v || strncmp(v, step, n) || v[n] != ':' || !v[n + 1])
		return;
	file = v + n + 1;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	dprintf(fd, "%d\n", (int)getpid());
	close(fd);
	fprintf(stderr, "quickreboot: checkpoint: paused at %s until %s is removed (QUICKREBOOT_TEST_PAUSE, a test setting)\n",
		step, file);
	for (int i = 0; i < 6000 && !access(file, F_OK); i++)
		nanosleep(&tick, NULL);
}
