/* The whole quick reboot (reboot.h). */
#include "reboot/reboot.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/newcmdline.h"
#include "boot/next_kernel.h"
#include "boot/pid_floor.h"
#include "checkpoint/checkpoint.h"
#include "checkpoint/freeze.h"
#include "fds/netlock.h"
#include "lib/exit.h"
#include "lib/module_open.h"
#include "lib/readfile.h"
#include "lib/run.h"
#include "quickreboot/pfncheck_abi.h"
#include "reboot/keep_plan.h"
#include "reboot/load.h"
#include "reboot/orderly.h"
#include "service/adopt_units.h"
#include "service/unit_freeze.h"
#include "service/unit_run.h"
#include "service/unit_spare.h"
#include "shelter/ready.h"
#include "shelter/shelter.h"

void qr_reboot_thaw(const pid_t *pids, size_t n)
{
	int fd = qr_device_open("pfncheck", PFNCHECK_DEVICE, "reboot");

	qr_netunlock(pids, (int)n);
	for (size_t i = 0; fd >= 0 && i < n; i++)
		qr_thaw_set(fd, pids[i], "reboot");
	if (fd >= 0)
		close(fd);
}

/* The units and PIDs to keep, each unit's processes among them, and the
 * keep record's token. */
static int plan(const struct qr_reboot_opts *o, struct qr_keep_plan *p)
{
	int rc;

	p->unit = calloc(o->nunits + QR_CONF_MAX_ENTRIES, sizeof(*p->unit));
	if (!p->unit)
		return QR_EXIT_FAIL;
	for (size_t i = 0; i < o->nunits; i++)
		p->unit[p->nunits++] = o->units[i];
	if (o->npids)
		rc = qr_keep_plan_add_pids(p, o->pids, o->npids);
	else
		rc = p->nunits ? QR_EXIT_OK : qr_keep_plan_from_conf(p);
	/* Asked before the units are listed: it takes seconds, in which a
	 * listed child may exit. */
	if (!rc && p->nunits)
		rc = qr_units_run(p->unit, p->nunits, &p->run);
	if (!rc)
		rc = qr_keep_plan_units(p);
	if (!rc)
		rc = qr_keep_plan_token(p);
	return rc;
}

/* Whether pid is one of a unit's processes other than its main one. */
static bool unit_member(const struct qr_keep *k, pid_t pid)
{
	for (size_t i = 0; i < k->nunits; i++)
		for (size_t j = 1; j < k->unit[i].npids; j++)
			if (k->unit[i].pid[j] == pid)
				return true;
	return false;
}

/* Before anything is frozen, so that a refusal freezes nothing: the PIDs
 * and each unit's main process with its descendants, as they are now (a
 * child listed in the unit's cgroup may have exited since: not named). */
static int precheck(const struct qr_keep_plan *p)
{
	pid_t *v = calloc(p->npids + 1, sizeof(*v));
	size_t n = 0;
	int rc;

	if (!v)
		return QR_EXIT_FAIL;
	for (size_t i = 0; i < p->npids; i++)
		if (!unit_member(&p->rec, p->pid[i]))
			v[n++] = p->pid[i];
	rc = qr_checkpoint_check(v, (int)n, &p->run);
	free(v);
	return rc;
}

/* Each unit frozen whole (a refusal found before froze nothing), then
 * listed and checked again: the set the checkpoint takes cannot change
 * meanwhile, no child exits or forks. */
static int freeze_units(const struct qr_reboot_opts *o, struct qr_keep_plan *p,
			struct qr_unit_freeze *fz)
{
	int rc = qr_units_freeze(p->unit, p->nunits, fz);

	if (rc)
		return rc;
	qr_keep_plan_free(p);
	memset(p, 0, sizeof(*p));
	rc = plan(o, p);
	if (!rc)
		rc = qr_checkpoint_check(p->pid, (int)p->npids, &p->run);
	return rc;
}

/* The shelter ready, the keep record written, the processes checkpointed
 * in the mode the New kernel was loaded for. */
static int checkpoint(const struct qr_keep_plan *p, bool zero_copy)
{
	struct qr_checkpoint_opts cp = {
		.dir = QR_CHECKPOINT_DIR,
		.pids = p->pid,
		.npids = (int)p->npids,
		.want = zero_copy ? QR_WANT_ZERO_COPY : QR_WANT_COPY,
		.keep_first_block = zero_copy,
		.token = p->rec.token,
		.run = &p->run,
	};
	int rc = qr_shelter_ready(true);

	if (!rc)
		rc = qr_keep_plan_write(p, QR_CHECKPOINT_DIR);
	if (!rc)
		rc = qr_checkpoint(&cp);
	return rc;
}

/* Room left on the New kernel's line for the token, the PID floor and
 * zero copy's memmap= entries. */
#define UNITS_ROOM 768

/* quickreboot.units= for quickreboot-generator (adopt_units.h), when the
 * line has room for it; NULL otherwise (restore then writes the adoption
 * drop-ins itself, with a daemon-reload). */
static char *units_param(const struct qr_keep *k, const char *append)
{
	const char **names = calloc(k->nunits + 1, sizeof(*names));
	char *cur = qr_read_file("/proc/cmdline", 1 << 16), *r = NULL;
	struct qr_strbuf b = { 0 };

	for (size_t i = 0; names && i < k->nunits; i++)
		names[i] = k->unit[i].name;
	if (names && cur && !qr_adopt_units_param(names, k->nunits, &b) &&
	    strlen(cur) + strlen(append) + b.len + UNITS_ROOM < QR_CMDLINE_MAX)
		r = strdup(qr_strbuf_str(&b));
	qr_strbuf_free(&b);
	free(cur);
	free(names);
	return r;
}

int qr_reboot(const struct qr_reboot_opts *o)
{
	char *unload[] = { "kexec", "-u", NULL };
	char *exec_argv[] = { "kexec", "-e", NULL };
	struct qr_kernel_files kf = { o->kernel, o->initrd, o->no_digest };
	struct qr_keep_plan p = { .nunits = 0 };
	struct qr_unit_freeze fz = { 0 };
	char *full_append = NULL, *units = NULL;
	long pid_max, floor;
	bool zero_copy = false;
	int rc;

	rc = plan(o, &p);
	if (!rc && p.nunits && qr_systemd_booted())
		rc = qr_units_spare_check(p.unit, p.nunits);
	if (!rc)
		rc = precheck(&p);
	if (!rc && p.nunits)
		rc = freeze_units(o, &p, &fz);
	if (rc)
		goto out;
	rc = QR_EXIT_FAIL;
	pid_max = qr_pid_max();
	floor = qr_last_pid();
	units = units_param(&p.rec, o->append);
	if (pid_max < 0 || floor < 0 ||
	    !(full_append = qr_new_append(o->append, p.rec.token, pid_max, floor, units)))
		goto out;
	rc = qr_load_kernel(&kf, full_append, o->want, NULL, &zero_copy);
	if (rc) {
		qr_error("reboot: nothing was checkpointed%s", fz.n ? "; the units are thawed" : "");
		goto out;
	}
	rc = checkpoint(&p, zero_copy);
	if (rc) {
		qr_run(unload);
		goto out;
	}
	rc = qr_load_again(&full_append, o->append, p.rec.token, units, pid_max, floor,
			   p.pid, p.npids, &kf, QR_CHECKPOINT_DIR, zero_copy);
	/* A process killed while frozen must not come back: checked before
	 * the shelter goes, and again last. */
	if (!rc)
		rc = qr_frozen_killed_check("reboot");
	if (!rc)
		rc = qr_shelter_umount(NULL);
	if (!rc) {
		sync();
		rc = qr_frozen_killed_check("reboot");
	}
	/* Under systemd, the rest of the system is shut down first, in order;
	 * returns only if nothing was queued. */
	if (!rc && qr_systemd_booted())
		rc = qr_orderly_kexec(&p);
	else if (!rc) {
		qr_run(exec_argv);
		qr_error("reboot: kexec -e returned");
	}
	/* Still in this kernel: nothing is lost, the processes go on. */
	qr_reboot_thaw(p.pid, p.npids);
	qr_run(unload);
	rc = QR_EXIT_FAIL;
out:
	qr_units_thaw(&fz);	/* still here: nothing stays frozen */
	free(full_append);
	free(units);
	qr_keep_plan_free(&p);
	return rc;
}
