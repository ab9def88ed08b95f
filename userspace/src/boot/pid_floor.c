/* See pid_floor.h: the parameters (pure). */
#include <stdio.h>

#include "boot/pid_floor.h"

int qr_pid_floor_params(char *buf, size_t size, long pid_max, long floor)
{
	int n;

	buf[0] = '\0';
	if (floor < 0 || pid_max <= 0 || floor >= pid_max)
		return -1;
	n = snprintf(buf, size, "sysctl.kernel.pid_max=%ld sysctl.kernel.ns_last_pid=%ld",
		     pid_max, floor);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
