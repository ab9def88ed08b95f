/* See next_kernel.h. */
#include "boot/next_kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"
#include "boot/confine.h"
#include "boot/memview.h"
#include "boot/newcmdline.h"
#include "lib/readfile.h"
#include "boot/zc_mode.h"

int qr_parse_mode(const char *s)
{
	if (!strcmp(s, "zero-copy"))
		return QR_WANT_ZERO_COPY;
	if (!strcmp(s, "copy"))
		return QR_WANT_COPY;
	if (!strcmp(s, "auto"))
		return QR_WANT_AUTO;
	return -1;
}

static const char *blocker(const char *release, const char *line,
			   char **cpuinfo, char **config)
{
	char path[512];

	*cpuinfo = qr_read_file("/proc/cpuinfo", 16 << 20);
	*config = NULL;
	if (release) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		*config = qr_read_file(path, 16 << 20);
	}
	return qr_zc_blocker(*cpuinfo, *config, line);
}

/* Some memmap=SIZE$ADDR other than the shelter's: else there is nothing
 * to read the system for. */
static bool may_have_boot_area(const char *current)
{
	struct qr_memview m = { 0 };
	struct qr_cmdline cl;
	bool may = false;

	if (qr_cmdline_parse(current, &cl, NULL))
		return false;
	if (!qr_memview_cmdline(&m, &cl, NULL)) {
		if (m.has_shelter)
			qr_spans_sub(&m.reserved, m.shelter.start,
				     m.shelter.start + m.shelter.size);
		may = m.reserved.n > 0;
	}
	qr_memview_free(&m);
	qr_cmdline_free(&cl);
	return may;
}

int qr_next_kernel(const char *current, const char *append,
		   enum qr_mode_want want, const char *release,
		   const struct qr_spans *first_block,
		   struct qr_next_kernel *out)
{
	char *proc = NULL, *cpuinfo = NULL, *config = NULL, *line;
	struct qr_memview m;
	struct qr_err e;
	const char *why;
	int found, rc = QR_EXIT_UNSAFE;

	memset(out, 0, sizeof(*out));
	if (first_block && first_block->n) {
		if (want == QR_WANT_COPY) {
			qr_error("pages kept in the first memory block need zero copy: the image was made for it");
			return QR_EXIT_UNSAFE;
		}
		want = QR_WANT_ZERO_COPY;
	}
	if (!current) {
		proc = qr_read_file("/proc/cmdline", 64 * 1024);
		if (!proc) {
			qr_error("cannot read /proc/cmdline: %s", strerror(errno));
			return QR_EXIT_FAIL;
		}
		proc[strcspn(proc, "\n")] = '\0';
		current = proc;
	}
	line = qr_new_cmdline(current, append, &e);
	if (!line) {
		qr_error("the New kernel's command line: %s", e.msg);
		goto out;
	}
	/* No boot area (no setup for zero copy): the line as it is. */
	if (!may_have_boot_area(current) || qr_memview_read(&m, current)) {
		if (want == QR_WANT_ZERO_COPY)
			goto out;
		out->line = line;
		line = NULL;
		rc = QR_EXIT_OK;
		goto out;
	}
	found = qr_bootarea_find(&m, &out->boot, &e);
	if (found < 0) {
		qr_error("boot area: %s", e.msg);
		goto out_m;
	}
	out->has_boot = !found;
	if (!out->has_boot) {
		if (want == QR_WANT_ZERO_COPY) {
			qr_error("zero copy needs a boot area: a memmap=SIZE$ADDR range of RAM that is neither the shelter nor System RAM (quickreboot setup reserves one)");
			goto out_m;
		}
		out->line = line;
		line = NULL;
		rc = QR_EXIT_OK;
		goto out_m;
	}
	out->zero_copy = want != QR_WANT_COPY;
	why = want == QR_WANT_AUTO ? blocker(release, line, &cpuinfo, &config) : NULL;
	if (why) {
		fprintf(stderr, "quickreboot: copy mode: %s\n", why);
		out->zero_copy = false;
	}
	out->line = qr_confine_cmdline(line, &m, &out->boot, out->zero_copy,
				       first_block, &e);
	if (!out->line)
		qr_error("the New kernel's command line: %s", e.msg);
	else
		rc = QR_EXIT_OK;
out_m:
	qr_memview_free(&m);
out:
	free(line);
	free(proc);
	free(cpuinfo);
	free(config);
	return rc;
}
