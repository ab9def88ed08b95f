/* TCP and UDP sockets as /proc/net lists them (inet.h): which protocol
 * a socket inode is, and where the other end of a local connection is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fds/inet.h"

/* "0100007F:1F90": the address as the kernel's 32-bit words in its own
 * byte order, which memcpy turns back into network order. */
static int addr(const char *s, uint8_t family, struct qr_inet_addr *a)
{
	int words = family == AF_INET ? 1 : 4;
	unsigned int port;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < words; i++) {
		unsigned int w;

		if (sscanf(s + 8 * i, "%8x", &w) != 1)
			return -1;
		memcpy(a->addr + 4 * i, &w, 4);
	}
	if (s[8 * words] != ':' || sscanf(s + 8 * words + 1, "%x", &port) != 1)
		return -1;
	a->port = port;
	return 0;
}

static int read_rows(const char *name, uint8_t family, struct qr_inet_row **v,
		     size_t *n, size_t *cap)
{
	char path[64], line[512], local[64], peer[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", name);
	f = fopen(path, "re");
	if (!f)
		return 0;	/* no IPv6 in this kernel */
	while (fgets(line, sizeof(line), f)) {
		struct qr_inet_row r = { .family = family };
		unsigned long long ino;
		unsigned int st;

		/* "sl local rem st tx:rx tr:when retr uid timeout inode" */
		if (sscanf(line, "%*s %63s %63s %x %*s %*s %*s %*s %*s %llu",
			   local, peer, &st, &ino) != 4 ||
		    addr(local, family, &r.local) || addr(peer, family, &r.peer))
			continue;
		r.state = st;
		r.ino = ino;
		if (*n == *cap) {
			size_t c = *cap ? 2 * *cap : 64;
			struct qr_inet_row *m = realloc(*v, c * sizeof(*m));

			if (!m) {
				fclose(f);
				return -1;
			}
			*v = m;
			*cap = c;
		}
		(*v)[(*n)++] = r;
	}
	fclose(f);
	return 0;
}

int qr_inet_rows(const char *proto, struct qr_inet_row **v, size_t *n)
{
	char six[16];
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	snprintf(six, sizeof(six), "%s6", proto);
	if (read_rows(proto, AF_INET, v, n, &cap) ||
	    read_rows(six, AF_INET6, v, n, &cap)) {
		free(*v);
		*v = NULL;
		return -1;
	}
	return 0;
}

const struct qr_inet_row *qr_inet_row_find(const struct qr_inet_row *v,
					   size_t n, uint64_t ino)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ino == ino)
			return &v[i];
	return NULL;
}
