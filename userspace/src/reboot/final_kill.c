/* The final kill spree of an orderly quick reboot (final.h): what
 * systemd-shutdown's broadcast_signal() does, the kept processes spared,
 * so that nothing waits for processes no signal can end. */
#define _GNU_SOURCE
#include "reboot/final.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint/stat.h"
#include "lib/readfile.h"

static bool listed(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

static bool kernel_thread(pid_t pid)
{
	char *text = qr_read_proc(pid, "stat");
	struct qr_stat st;
	struct qr_err e;
	/* Unreadable: gone, or nothing a signal could end. */
	bool kthread = !text || qr_stat_parse(text, &st, &e) || st.flags & QR_PF_KTHREAD;

	free(text);
	return kthread;
}

/* Signals every process but PID 1, this one, kernel threads and the kept
 * ones; their PIDs into *sent (n of them). */
static size_t signal_all(int sig, const pid_t *kept, size_t nkept,
			 pid_t **sent)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0, cap = 0;

	while (d && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 1 || pid == getpid() || listed(kept, nkept, pid) ||
		    kernel_thread(pid) || kill(pid, sig))
			continue;
		if (n == cap) {
			pid_t *v = realloc(*sent, (cap = cap * 2 + 64) * sizeof(*v));

			if (!v)
				break;
			*sent = v;
		}
		(*sent)[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* Waits up to ms for the signalled processes to be gone (PID 1 reaps
 * them); returns how many are left. */
static size_t wait_gone(const pid_t *v, size_t n, int ms)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	size_t left = n;

	for (int t = 0; left && t <= ms; t += 50) {
		left = 0;
		for (size_t i = 0; i < n; i++)
			left += !kill(v[i], 0) && !kernel_thread(v[i]);
		if (left)
			nanosleep(&tick, NULL);
	}
	return left;
}

void qr_final_kill(const pid_t *kept, size_t nkept)
{
	static const struct { int sig, ms; } round[] = {
		{ SIGTERM, 10000 }, { SIGKILL, 5000 },
	};

	for (size_t r = 0; r < sizeof(round) / sizeof(round[0]); r++) {
		pid_t *sent = NULL;
		size_t n = signal_all(round[r].sig, kept, nkept, &sent);
		size_t left = wait_gone(sent, n, round[r].ms);

		printf("reboot: %s sent to %zu process(es), %zu left; %zu kept process(es) spared\n",
		       strsignal(round[r].sig), n, left, nkept);
		free(sent);
		if (!left)
			break;
	}
	fflush(stdout);
}
