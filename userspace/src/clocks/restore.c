/* The kept processes' clocks (QRI_CLOCKS): they are created in a new time
 * namespace whose CLOCK_MONOTONIC and CLOCK_BOOTTIME go on from their
 * values at the checkpoint, plus the CLOCK_REALTIME elapsed since. Only
 * the processes created in between enter it: unshare(CLONE_NEWTIME) gives
 * it to this process's children, not to itself, and leaving sets its own
 * namespace back for the children it has later. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clocks/clocks.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "restore/restore.h"
#include "restore/tree.h"
#include "clocks/timens.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static uint64_t ns_of(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* This process's offsets (its children's: its own until the unshare);
 * none when the kernel has no time namespaces. */
static int own_offsets(struct qr_timens_off *o)
{
	char *text = qr_read_file("/proc/self/timens_offsets", 4096);
	struct qr_err e;
	int rc;

	memset(o, 0, sizeof(*o));
	if (!text)
		return errno == ENOENT ? 0 : -1;
	rc = qr_timens_parse(text, o, &e);
	if (rc)
		qr_error("restore: /proc/self/timens_offsets: %s", e.msg);
	free(text);
	return rc;
}

static int set_offsets(const struct qri_clocks *k, const struct qr_timens_off *self)
{
	struct qr_timens_off o;
	char text[128];
	int fd, len, rc = -1;

	/* This command's clocks minus its offsets: the host's. */
	qr_timens_continue(k, ns_of(CLOCK_MONOTONIC) - self->monotonic_ns,
			   ns_of(CLOCK_BOOTTIME) - self->boottime_ns,
			   ns_of(CLOCK_REALTIME), &o);
	len = qr_timens_format(&o, text, sizeof(text));
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && len > 0 && write(fd, text, len) == len)
		rc = 0;
	if (rc)
		qr_error("restore: /proc/self/timens_offsets: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* This command in the namespace its children get, so that the files it
 * makes for them (a timer's absolute time) read their clocks. */
static int join_own(void)
{
	int ns = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	int rc = ns < 0 ? -1 : setns(ns, CLONE_NEWTIME);

	if (rc)
		qr_error("restore: into the new time namespace: %s",
			 strerror(errno));
	if (ns >= 0)
		close(ns);
	return rc;
}

int qr_clocks_enter(const struct qri_clocks *k)
{
	struct qr_timens_off self;
	int back;

	if (!k)
		return -1;
	back = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (back < 0 || own_offsets(&self) || unshare(CLONE_NEWTIME)) {
		qr_error("restore: no time namespace (%s): the processes' monotonic and boot-time clocks start again with this kernel's",
			 strerror(errno));
		if (back >= 0)
			close(back);
		return -1;
	}
	if (set_offsets(k, &self) || join_own()) {
		qr_error("restore: the processes' monotonic and boot-time clocks start again with this kernel's");
		qr_clocks_leave(back);
		return -1;
	}
	return back;
}

void qr_clocks_leave(int back)
{
	if (back < 0)
		return;
	if (setns(back, CLONE_NEWTIME))
		qr_error("restore: back to this command's time namespace: %s",
			 strerror(errno));
	close(back);
}
