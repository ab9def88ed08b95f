/* IPv6 connections made in repair mode before the network exists
 * (fds/inet_live.c, fds/inet_route6.c), in a network namespace of their
 * own with only the loopback: no route to the peer. Root only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds/inet_live.h"
#include "test.h"

static int repair_socket(const char *local)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(4321) };
	int s = socket(AF_INET6, SOCK_STREAM, 0), on = 1;

	inet_pton(AF_INET6, local, &a.sin6_addr);
	if (s < 0 || qr_inet_unplaced(s, AF_INET6) ||
	    setsockopt(s, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return s;
}

/* In the namespace: each check failed sets its bit in the exit code. */
static int in_netns(void)
{
	struct sockaddr_in6 p = { .sin6_family = AF_INET6, .sin6_port = htons(80) },
			    got;
	socklen_t gl = sizeof(got);
	const char *what = "";
	int s, t, mark = -1, bad = 0;
	socklen_t ml = sizeof(mark);

	inet_pton(AF_INET6, "fd00::2", &p.sin6_addr);
	s = repair_socket("fd00::1");
	if (s < 0)
		return 0x7f;
	/* Made, to its peer, its mark its own again. */
	if (qr_inet_connect_unrouted(s, (struct sockaddr *)&p, sizeof(p), true, &what)) {
		fprintf(stderr, "connect_unrouted: %s: %s\n", what, strerror(errno));
		bad |= 1;
	}
	if (getpeername(s, (struct sockaddr *)&got, &gl) ||
	    memcmp(&got.sin6_addr, &p.sin6_addr, 16))
		bad |= 2;
	if (getsockopt(s, SOL_SOCKET, SO_MARK, &mark, &ml) || mark)
		bad |= 4;
	/* Nothing left: the private mark finds no route to the peer. */
	t = repair_socket("fd00::3");
	mark = 0x71720001;
	if (t < 0 || setsockopt(t, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)))
		bad |= 8;
	else if (!connect(t, (struct sockaddr *)&p, sizeof(p)) || errno != ENETUNREACH)
		bad |= 16;
	/* A second connection to the same peer the same way. */
	close(t);
	t = repair_socket("fd00::3");
	if (t < 0 || qr_inet_connect_unrouted(t, (struct sockaddr *)&p, sizeof(p), true,
					      &what))
		bad |= 32;
	/* A local peer (a kept pair) whose address is gone: unreachable. */
	close(t);
	t = repair_socket("fd00::4");
	if (t < 0 || !qr_inet_connect_unrouted(t, (struct sockaddr *)&p, sizeof(p), false,
					       &what) || errno != ENETUNREACH)
		bad |= 64;
	return bad;
}

TEST(inet6_connect_before_network)
{
	int st = -1;
	pid_t c;

	if (geteuid()) {
		printf("inet6_connect_before_network: not root, skipped\n");
		return;
	}
	c = fork();
	CHECK(c >= 0);
	if (!c) {
		if (unshare(CLONE_NEWNET))
			_exit(0x80);
		_exit(in_netns());
	}
	CHECK(waitpid(c, &st, 0) == c);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0x80) {
		printf("inet6_connect_before_network: no network namespace, skipped\n");
		return;
	}
	CHECK_U64(WIFEXITED(st) ? WEXITSTATUS(st) : 0x100 | st, 0);
}
