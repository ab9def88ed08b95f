/* sd_notify(3)'s protocol, which is a stable interface: one datagram to
 * the AF_UNIX socket named by $NOTIFY_SOCKET ('@' for the abstract
 * namespace). The kernel attaches our credentials. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "service/adopt.h"
#include "lib/exit.h"

int qr_sd_notify(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd, rc;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path)) {
		qr_error("adopt: no usable NOTIFY_SOCKET: not started by systemd as Type=notify?");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		qr_error("adopt: socket: %s", strerror(errno));
		return -1;
	}
	rc = sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	if (rc < 0)
		qr_error("adopt: notifying systemd at %s: %s", path, strerror(errno));
	close(fd);
	return rc < 0 ? -1 : 0;
}
