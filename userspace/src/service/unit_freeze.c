/* See unit_freeze.h. */
#define _GNU_SOURCE
#include "service/unit_freeze.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/readfile.h"
#include "service/adopt.h"
#include "service/unit_procs.h"

/* A task in uninterruptible sleep holds the freeze back. */
#define FREEZE_WAIT_MS 5000

static int write_freeze(const char *cg, const char *v)
{
	char path[4096];
	int fd, rc = -1;

	snprintf(path, sizeof(path), QR_CGROUP_ROOT "%s/cgroup.freeze", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, v, 1) == 1)
		rc = 0;
	if (rc)
		qr_error("%s: writing %s: %s", path, v, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The cgroup's file's first byte, or with a key the first byte of its
 * value ("frozen 1" in cgroup.events); 0 if it cannot be read. */
static char value(const char *cg, const char *file, const char *key)
{
	char path[4096], *text, *p, v = 0;

	snprintf(path, sizeof(path), QR_CGROUP_ROOT "%s/%s", cg, file);
	text = qr_read_file(path, 4096);
	for (p = text; p && *p && !v; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		size_t klen = key ? strlen(key) : 0;

		if (!key || (!strncmp(p, key, klen) && p[klen] == ' '))
			v = p[key ? klen + 1 : 0];
	}
	free(text);
	return v;
}

/* Whether this process is in cg or below: freezing cg would freeze it. */
static bool inside(const char *cg)
{
	char own[4096];
	size_t n = strlen(cg);

	return qr_cgroup_of(0, own, sizeof(own)) ||
	       (!strncmp(own, cg, n) && (own[n] == '/' || !own[n]));
}

static int freeze_one(const char *unit, const char *cg)
{
	struct timespec t = { 0, 10 * 1000 * 1000 };

	if (write_freeze(cg, "1"))
		return QR_EXIT_FAIL;
	for (int waited = 0; waited < FREEZE_WAIT_MS; waited += 10) {
		if (value(cg, "cgroup.events", "frozen") == '1') {
			printf("%s: frozen as a whole (" QR_CGROUP_ROOT "%s/cgroup.freeze)\n",
			       unit, cg);
			return QR_EXIT_OK;
		}
		nanosleep(&t, NULL);
	}
	qr_error("%s: its cgroup %s did not freeze within %d ms (a process in uninterruptible sleep?): nothing kept",
		 unit, cg, FREEZE_WAIT_MS);
	write_freeze(cg, "0");
	return QR_EXIT_FAIL;
}

int qr_units_freeze(const char *const *units, size_t n,
		    struct qr_unit_freeze *f)
{
	int rc = QR_EXIT_OK;

	f->n = 0;
	f->cg = calloc(n + 1, sizeof(*f->cg));
	if (!f->cg)
		return QR_EXIT_FAIL;
	for (size_t i = 0; !rc && i < n; i++) {
		char cg[1024];

		rc = qr_unit_cgroup(units[i], cg, sizeof(cg), NULL);
		if (!rc && inside(cg)) {
			qr_error("%s: quickreboot itself runs in its cgroup %s: it cannot be frozen",
				 units[i], cg);
			rc = QR_EXIT_UNSAFE;
		}
		if (rc || value(cg, "cgroup.freeze", NULL) == '1')
			continue;	/* frozen by someone else: left so */
		f->cg[f->n] = strdup(cg);
		if (!f->cg[f->n]) {
			rc = QR_EXIT_FAIL;
			break;
		}
		rc = freeze_one(units[i], cg);
		if (rc)
			free(f->cg[f->n]);
		else
			f->n++;
	}
	if (rc)
		qr_units_thaw(f);
	return rc;
}

void qr_units_thaw(struct qr_unit_freeze *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (write_freeze(f->cg[i], "0"))
			qr_error("%s stays frozen: `systemctl thaw` its unit", f->cg[i]);
		free(f->cg[i]);
	}
	free(f->cg);
	f->cg = NULL;
	f->n = 0;
}
