/* Step 1 of the orderly quick reboot (orderly.h). */
#define _GNU_SOURCE
#include "reboot/orderly.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exit.h"
#include "lib/run.h"
#include "service/adopt.h"

static const char spare_text[] =
	"# Written by `quickreboot reboot`: this unit's processes are frozen for\n"
	"# a quick reboot and go on in the New kernel. Without the default\n"
	"# dependencies it has no Conflicts=shutdown.target, so the kexec\n"
	"# transaction neither stops it nor waits for it. Gone with /run.\n"
	"[Unit]\n"
	"DefaultDependencies=no\n";

bool qr_systemd_booted(void)
{
	struct stat st;

	return !lstat("/run/systemd/system/", &st) && S_ISDIR(st.st_mode);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		qr_error("reboot: %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

static void dropin_path(char *path, size_t size, const char *unit, bool file)
{
	snprintf(path, size, QR_RUNTIME_UNIT_DIR "/%s.d%s", unit,
		 file ? "/" QR_SPARE_DROPIN : "");
}

static void unspare(const struct qr_keep_plan *p)
{
	char path[4096], *reload[] = { "systemctl", "daemon-reload", NULL };

	for (size_t i = 0; i < p->nunits; i++) {
		dropin_path(path, sizeof(path), p->unit[i], true);
		unlink(path);
		dropin_path(path, sizeof(path), p->unit[i], false);
		rmdir(path);
	}
	qr_run(reload);
}

static int spare_units(const struct qr_keep_plan *p)
{
	char path[4096];

	mkdir(QR_RUNTIME_UNIT_DIR, 0755);
	for (size_t i = 0; i < p->nunits; i++) {
		dropin_path(path, sizeof(path), p->unit[i], false);
		if (mkdir(path, 0755) && errno != EEXIST) {
			qr_error("reboot: %s: %s", path, strerror(errno));
			return -1;
		}
		dropin_path(path, sizeof(path), p->unit[i], true);
		if (write_text(path, spare_text))
			return -1;
	}
	return 0;
}

static bool in_kept_unit(const struct qr_keep *k, pid_t pid)
{
	for (size_t i = 0; i < k->nunits; i++)
		for (size_t j = 0; j < k->unit[i].npids; j++)
			if (k->unit[i].pid[j] == pid)
				return true;
	return false;
}

/* A process kept by PID sits in some unit's cgroup (a login session's,
 * a service's): that unit's stop would signal it and wait its timeout
 * out. In a cgroup of no unit, systemd leaves it alone. */
static int move_pid_kept(const struct qr_keep_plan *p)
{
	for (size_t i = 0; i < p->npids; i++) {
		if (in_kept_unit(&p->rec, p->pid[i]))
			continue;
		if (mkdir(QR_CGROUP_ROOT QR_KEPT_CGROUP, 0755) && errno != EEXIST) {
			qr_error("reboot: %s: %s", QR_CGROUP_ROOT QR_KEPT_CGROUP, strerror(errno));
			return -1;
		}
		if (qr_cgroup_move(p->pid[i], QR_KEPT_CGROUP))
			return -1;
	}
	return 0;
}

static int write_pids(const struct qr_keep_plan *p)
{
	FILE *f;

	mkdir("/run/quickreboot", 0755);
	f = fopen(QR_KEPT_PIDS, "we");
	if (!f) {
		qr_error("reboot: %s: %s", QR_KEPT_PIDS, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < p->npids; i++)
		fprintf(f, "%d\n", (int)p->pid[i]);
	if (fclose(f)) {
		qr_error("reboot: %s: %s", QR_KEPT_PIDS, strerror(errno));
		return -1;
	}
	return 0;
}

int qr_orderly_kexec(const struct qr_keep_plan *p)
{
	char *reload[] = { "systemctl", "daemon-reload", NULL };
	char *start[] = { "systemctl", "start", "--no-block",
			  "--job-mode=replace-irreversibly", QR_KEXEC_TARGET, NULL };

	if (write_pids(p) || spare_units(p) || move_pid_kept(p)) {
		unspare(p);
		return QR_EXIT_FAIL;
	}
	if (qr_run(reload)) {
		qr_error("reboot: systemctl daemon-reload failed");
		unspare(p);
		return QR_EXIT_FAIL;
	}
	if (qr_run(start)) {
		qr_error("reboot: systemctl start %s failed", QR_KEXEC_TARGET);
		unspare(p);
		return QR_EXIT_FAIL;
	}
	printf("shutting the rest of the system down; %s kexecs (the kept units are spared)\n",
	       QR_KEXEC_TARGET);
	fflush(stdout);
	/* This command's own unit or session is stopped like the others. */
	for (;;)
		pause();
}
