/* See udp_extra.h. A socket's multicast memberships are listed nowhere
 * per socket: /proc/net/igmp and igmp6 list the groups joined on each
 * interface, and MCAST_MSFILTER asks the socket about one (group,
 * interface): EADDRNOTAVAIL when it is not a member. Nothing changes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fds/udp_extra.h"

/* Whether s is a member of group (a sockaddr of its family) on ifindex. */
static bool member(int s, uint8_t family, int ifindex,
		   const struct sockaddr_storage *group)
{
	struct group_filter gf = { .gf_interface = ifindex };
	socklen_t len = sizeof(gf);

	memcpy(&gf.gf_group, group, sizeof(*group));
	return !getsockopt(s, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
			   MCAST_MSFILTER, &gf, &len);
}

/* The first group of /proc/net/igmp (or igmp6) s is a member of. */
static const char *groups(int s, uint8_t family, char *buf, size_t size)
{
	FILE *f = fopen(family == AF_INET6 ? "/proc/net/igmp6" : "/proc/net/igmp", "re");
	char line[256], dev[32] = "", hex[40], t[INET6_ADDRSTRLEN];
	const char *why = NULL;
	int idx = 0;

	while (f && !why && fgets(line, sizeof(line), f)) {
		struct sockaddr_storage g = { .ss_family = family };
		struct sockaddr_in *g4 = (struct sockaddr_in *)&g;
		struct sockaddr_in6 *g6 = (struct sockaddr_in6 *)&g;
		unsigned int v;

		if (family == AF_INET6) {
			/* "IDX DEV GROUP(32 hex) USERS FLAGS TIMER" */
			if (sscanf(line, "%d %31s %32[0-9a-f]", &idx, dev, hex) != 3 ||
			    strlen(hex) != 32)
				continue;
			for (int i = 0; i < 16; i++) {
				sscanf(hex + 2 * i, "%2x", &v);
				g6->sin6_addr.s6_addr[i] = v;
			}
		} else if (line[0] != '\t') {
			/* An interface's line, its groups follow, indented. */
			if (sscanf(line, "%d %31s", &idx, dev) != 2)
				idx = 0;
			continue;
		} else if (sscanf(line, " %8x", &v) == 1 && idx) {
			g4->sin_addr.s_addr = v;	/* printed as stored */
		} else {
			continue;
		}
		if (member(s, family, idx, &g)) {
			inet_ntop(family, family == AF_INET6 ? (void *)&g6->sin6_addr :
				  (void *)&g4->sin_addr, t, sizeof(t));
			snprintf(buf, size, "a member of multicast group %s on %s",
				 t, dev);
			why = buf;
		}
	}
	if (f)
		fclose(f);
	return why;
}

const char *qr_udp_extra(int s, uint8_t family, char *buf, size_t size)
{
	socklen_t len = 0;

	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &len))
		/* An eBPF program has no classic one to read back. */
		return errno == EACCES ? "an eBPF socket filter of its own (SO_ATTACH_BPF)" :
		       "its socket filter cannot be read";
	if (len)
		return "a socket filter of its own (SO_ATTACH_FILTER)";
	return groups(s, family, buf, size);
}
