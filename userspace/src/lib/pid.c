/* See lib/pid.h. */
#include "lib/pid.h"

long qr_pid_parse(const char *s)
{
	long v = 0;

	if (*s < '1' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > QR_PID_MAX)
			return -1;
	}
	return v;
}
