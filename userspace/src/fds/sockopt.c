/* See sockopt.h. */
#include <sys/socket.h>
#include <sys/time.h>

#include "fds/sockopt.h"

int qr_sockopt_get(int s, int level, int opt, int32_t *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(s, level, opt, v, &len);
}

int qr_sockopt_set(int s, int level, int opt, int32_t v)
{
	return setsockopt(s, level, opt, &v, sizeof(v));
}

int qr_sockopt_get_time(int s, int opt, uint64_t *us)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(s, SOL_SOCKET, opt, &tv, &len))
		return -1;
	*us = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	return 0;
}

int qr_sockopt_set_time(int s, int opt, uint64_t us)
{
	struct timeval tv = { us / 1000000, us % 1000000 };

	return setsockopt(s, SOL_SOCKET, opt, &tv, sizeof(tv));
}
