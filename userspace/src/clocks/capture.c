/* The kept processes' time namespace, when they share one (restore
 * rebuilds one), and their clocks at the checkpoint (QRI_CLOCKS): the
 * host's clocks plus the namespace's offsets. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clocks/clocks.h"
#include "checkpoint/capture.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "clocks/timens.h"

/* /proc/PID/ns/NAME's target, "" when the kernel has no time namespaces. */
static int ns_link(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	n = readlink(path, out, len - 1);
	if (n < 0) {
		int err = errno;

		if (err == ENOENT && access("/proc/self/ns/time", F_OK)) {
			out[0] = '\0';
			return 0;
		}
		qr_error("process %d: %s: %s", pid, path, strerror(err));
		return -1;
	}
	out[n] = '\0';
	return 0;
}

int qr_clocks_check(const pid_t *pids, int n, bool *shared)
{
	char first[64] = "", own[64], children[64];
	int refused = 0;

	*shared = true;
	for (int i = 0; i < n; i++) {
		if (ns_link(pids[i], "time", own, sizeof(own)) ||
		    ns_link(pids[i], "time_for_children", children, sizeof(children))) {
			refused++;
			continue;
		}
		if (strcmp(own, children)) {
			qr_error("process %d: its children get another time namespace (%s, its own %s): not carried",
				 pids[i], children, own);
			refused++;
		}
		if (i == 0) {
			snprintf(first, sizeof(first), "%s", own);
		} else if (strcmp(own, first) && *shared) {
			printf("note: process %d: time namespace %s, process %d: %s: restore rebuilds one, so their clocks start again with the New kernel's\n",
			       pids[i], own, pids[0], first);
			*shared = false;
		}
	}
	return refused;
}

/* The offsets of the namespace PID's children get (its own, checked
 * above); none on a kernel without time namespaces. */
static int offsets_of(const char *pid, struct qr_timens_off *o)
{
	char path[64], *text;
	struct qr_err e;
	int rc;

	snprintf(path, sizeof(path), "/proc/%s/timens_offsets", pid);
	text = qr_read_file(path, 4096);
	if (!text && errno == ENOENT) {
		memset(o, 0, sizeof(*o));
		return 0;
	}
	if (!text) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		return -1;
	}
	rc = qr_timens_parse(text, o, &e);
	if (rc)
		qr_error("checkpoint: %s: %s", path, e.msg);
	free(text);
	return rc;
}

static uint64_t ns_of(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int qr_capture_clocks(struct qri_writer *w, pid_t pid)
{
	struct qr_timens_off kept, self;
	struct qri_clocks k;
	char id[16];

	snprintf(id, sizeof(id), "%d", pid);
	if (offsets_of(id, &kept) || offsets_of("self", &self))
		return -1;
	/* This command's clocks are its namespace's: the host's plus self. */
	k.monotonic_ns = ns_of(CLOCK_MONOTONIC) + kept.monotonic_ns - self.monotonic_ns;
	k.boottime_ns = ns_of(CLOCK_BOOTTIME) + kept.boottime_ns - self.boottime_ns;
	k.realtime_ns = ns_of(CLOCK_REALTIME);
	if (k.monotonic_ns >= QRI_MAX_CLOCK_NS || k.boottime_ns >= QRI_MAX_CLOCK_NS ||
	    !k.realtime_ns || k.realtime_ns >= QRI_MAX_CLOCK_NS) {
		qr_error("checkpoint: process %d: clocks out of range (monotonic %llu, boottime %llu, realtime %llu ns)",
			 pid, (unsigned long long)k.monotonic_ns,
			 (unsigned long long)k.boottime_ns,
			 (unsigned long long)k.realtime_ns);
		return -1;
	}
	qri_add_clocks(w, &k);
	return 0;
}
