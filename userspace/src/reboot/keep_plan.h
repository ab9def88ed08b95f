/* What a quick reboot keeps: the units and PIDs of the command line, or of
 * /etc/quickreboot.conf; the keep record (image/keep_record.h) written for
 * the New kernel. Each function returns a QR_EXIT_* code, having printed
 * why it failed. */
#ifndef QR_KEEP_PLAN_H
#define QR_KEEP_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "checkpoint/runfiles.h"
#include "image/keep_record.h"
#include "lib/conf.h"

struct qr_keep_plan {
	const char **unit;	/* room for argc + QR_CONF_MAX_ENTRIES */
	size_t nunits;
	pid_t *pid;	/* every process: the units' and the named ones */
	size_t npids;
	struct qr_keep rec;
	struct qr_conf conf;
	char *conf_text;
	/* The units' files under /run (PIDFile=, RuntimeDirectory=). */
	struct qr_run_list run;
};

/* Adds PIDs not in the plan yet. */
int qr_keep_plan_add_pids(struct qr_keep_plan *p, const pid_t *pid, size_t n);

/* The units and PIDs that QR_CONF_PATH lists. */
int qr_keep_plan_from_conf(struct qr_keep_plan *p);

/* Each unit's processes into the keep record and the PID list. */
int qr_keep_plan_units(struct qr_keep_plan *p);

/* A new random token into the keep record. */
int qr_keep_plan_token(struct qr_keep_plan *p);

/* DIR/keep, synced: restore --boot reads it in the New kernel. */
int qr_keep_plan_write(const struct qr_keep_plan *p, const char *dir);

void qr_keep_plan_free(struct qr_keep_plan *p);

#endif
