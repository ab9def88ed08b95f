/* What a quick reboot keeps (keep_plan.h). */
#define _GNU_SOURCE
#include "reboot/keep_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/readfile.h"
#include "lib/strbuf.h"
#include "service/unit_procs.h"

int qr_keep_plan_add_pids(struct qr_keep_plan *p, const pid_t *pid, size_t n)
{
	pid_t *grown = realloc(p->pid, (p->npids + n) * sizeof(*pid));

	if (!grown)
		return QR_EXIT_FAIL;
	p->pid = grown;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < p->npids && p->pid[j] != pid[i]; j++)
			;
		if (j == p->npids)
			p->pid[p->npids++] = pid[i];
	}
	return QR_EXIT_OK;
}

int qr_keep_plan_from_conf(struct qr_keep_plan *p)
{
	struct qr_err e;
	size_t len;

	p->conf_text = qr_read_file_len(QR_CONF_PATH, 1 << 20, &len);
	if (!p->conf_text) {
		qr_error("reboot: nothing to keep: no --unit, no PID, and %s: %s",
			 QR_CONF_PATH, strerror(errno));
		return QR_EXIT_USAGE;
	}
	if (qr_conf_parse(p->conf_text, len, &p->conf, &e)) {
		qr_error("reboot: %s: %s", QR_CONF_PATH, e.msg);
		return QR_EXIT_USAGE;
	}
	for (size_t i = 0; i < p->conf.n; i++) {
		const struct qr_conf_entry *en = &p->conf.entry[i];

		if (en->kind == QR_KEEP_UNIT)
			p->unit[p->nunits++] = en->unit;
		else if (qr_keep_plan_add_pids(p, &en->pid, 1))
			return QR_EXIT_FAIL;
	}
	if (!p->nunits && !p->npids) {
		qr_error("reboot: nothing to keep: no --unit, no PID, and %s lists nothing",
			 QR_CONF_PATH);
		return QR_EXIT_USAGE;
	}
	return QR_EXIT_OK;
}

int qr_keep_plan_units(struct qr_keep_plan *p)
{
	struct qr_err e;

	for (size_t i = 0; i < p->nunits; i++) {
		pid_t *pids;
		size_t n;
		int rc = qr_unit_processes(p->unit[i], &pids, &n);

		if (!rc && qr_keep_add_unit(&p->rec, p->unit[i], pids, n, &e)) {
			qr_error("reboot: %s", e.msg);
			rc = QR_EXIT_USAGE;
		}
		if (!rc)
			rc = qr_keep_plan_add_pids(p, pids, n);
		free(pids);
		if (rc)
			return rc;
	}
	return QR_EXIT_OK;
}

int qr_keep_plan_token(struct qr_keep_plan *p)
{
	unsigned char r[QR_KEEP_TOKEN_LEN / 2];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		qr_error("reboot: getrandom: %s", strerror(errno));
		return QR_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		sprintf(p->rec.token + 2 * i, "%02x", r[i]);
	return QR_EXIT_OK;
}

int qr_keep_plan_write(const struct qr_keep_plan *p, const char *dir)
{
	struct qr_strbuf b = { 0 };
	char path[4096];
	int fd, rc = QR_EXIT_FAIL;

	snprintf(path, sizeof(path), "%s/%s", dir, QR_KEEP_FILE);
	qr_keep_format(&p->rec, &b);
	if (mkdir(dir, 0700) && errno != EEXIST)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (!qr_strbuf_failed(&b) && write(fd, b.s, b.len) == (ssize_t)b.len && !fsync(fd))
		rc = QR_EXIT_OK;
	close(fd);
out:
	if (rc)
		qr_error("reboot: writing %s: %s", path, strerror(errno));
	qr_strbuf_free(&b);
	return rc;
}

void qr_keep_plan_free(struct qr_keep_plan *p)
{
	free(p->unit);
	free(p->pid);
	qr_keep_free(&p->rec);
	qr_conf_free(&p->conf);
	free(p->conf_text);
	qr_run_list_free(&p->run);
}

