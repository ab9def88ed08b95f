/* quickreboot adopt UNIT / adopt --finish: the kept unit's side of the
 * hand-over after a quick reboot (adopt.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/adopt.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/conf.h"
#include "image/keep_record.h"
#include "lib/readfile.h"
#include "lib/run.h"
#include "service/unit_show.h"

static const char usage[] =
	"usage: quickreboot adopt UNIT\n"
	"       quickreboot adopt --finish\n"
	"Not for interactive use: the systemd side of a quick reboot.\n"
	"`adopt UNIT` is the ExecStart= that `quickreboot restore --boot` gives a\n"
	"kept unit for its first start after the quick reboot: it moves the\n"
	"unit's restored processes into the unit's cgroup and tells systemd that\n"
	"the restored main process is the unit's main process (Type=notify,\n"
	"MAINPID=), so the unit is active with its old process and nothing is\n"
	"started twice. `adopt --finish` (quickreboot-adopted.service) then\n"
	"removes those drop-ins and reloads systemd, so that every unit is its\n"
	"own configuration again; a unit whose adoption failed is started anew.\n"
	QR_EXIT_CODES;

/* Exited: gone, or a zombie its parent has not reaped yet. */
static bool gone(pid_t pid)
{
	char path[64], *stat, *p;
	bool dead;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = qr_read_file(path, 4096);
	p = stat ? strrchr(stat, ')') : NULL;
	dead = !p || (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
	free(stat);
	return dead;
}

static int read_record(const char *path, const char *unit, struct qr_keep *k)
{
	char *text = qr_read_file(path, 1 << 20);
	struct qr_err e;

	if (!text) {
		qr_error("adopt: %s: %s: nothing was kept for %s", path, strerror(errno), unit);
		return -1;
	}
	if (qr_keep_parse(text, strlen(text), k, &e) ||
	    (k->nunits != 1 && qr_err_set(&e, "not one unit")) ||
	    (strcmp(k->unit[0].name, unit) && qr_err_set(&e, "for another unit"))) {
		qr_error("adopt: %s: %s", path, e.msg);
		qr_keep_free(k);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/* Is the unit active with this main process (systemd took it)? */
static bool has_main_pid(const char *unit, pid_t want)
{
	char *argv[] = { "systemctl", "show", "-p", QR_UNIT_SHOW_PROPS, "--",
			 (char *)unit, NULL };
	struct qr_unit_show u;
	char out[8192];

	return !qr_run_output(argv, out, sizeof(out)) &&
	       !qr_unit_show_parse(out, &u, NULL) && u.main_pid == want &&
	       !strcmp(u.active_state, "active");
}

/* Until systemd has taken the new main PID (bounded): exiting before that
 * would look like the main process exiting. */
static int wait_main_pid(const char *unit, pid_t want)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };

	for (int i = 0; i < 600; i++) {
		if (has_main_pid(unit, want))
			return 0;
		nanosleep(&t, NULL);
	}
	qr_error("adopt: systemd did not take PID %d as the main process of %s", (int)want, unit);
	return -1;
}

static int adopt(const char *unit)
{
	char path[4096], cg[4096], msg[256], hold[4096] = "", held[4096];
	struct qr_keep k;
	const struct qr_keep_unit *u;
	int rc = QR_EXIT_FAIL;
	size_t adopted = 0;

	if (!qr_unit_name_valid(unit))
		return qr_usage_error(usage, "adopt: '%s' is not a service unit name", unit);
	snprintf(path, sizeof(path), QR_ADOPT_DIR "/%s", unit);
	if (read_record(path, unit, &k))
		return QR_EXIT_FAIL;
	u = &k.unit[0];
	if (qr_cgroup_of(0, cg, sizeof(cg)))
		goto out;
	for (size_t i = 0; i < u->npids; i++) {
		bool waiting = qr_adopt_waiting(u->pid[i], unit, held, sizeof(held));

		if (held[0])
			strcpy(hold, held);
		/* Not held (restore could not freeze them), one of the others
		 * may have exited meanwhile (its PID may even be another's
		 * now), which loses the unit nothing. */
		if (i && (!waiting || gone(u->pid[i]))) {
			printf("%s: process %d exited before adoption\n", unit,
			       (int)u->pid[i]);
			continue;
		}
		if (!waiting) {
			qr_error("adopt: %s: process %d is not a restored one waiting in %s",
				 unit, (int)u->pid[i], QR_RESTORE_UNIT);
			goto out;
		}
		if (!qr_cgroup_move(u->pid[i], cg))
			adopted++;
		else if (!i || !gone(u->pid[i]))
			goto out;
	}
	qr_adopt_release(hold);
	snprintf(msg, sizeof(msg),
		 "MAINPID=%d\nREADY=1\nSTATUS=Kept across a quick reboot (quickreboot)\n",
		 (int)u->pid[0]);
	if (qr_sd_notify(msg) || wait_main_pid(unit, u->pid[0]))
		goto out;
	printf("%s: adopted %zu of %zu restored process(es), main PID %d\n", unit,
	       adopted, u->npids, (int)u->pid[0]);
	rc = QR_EXIT_OK;
out:
	qr_keep_free(&k);
	return rc;
}

/* Did the unit adopt its processes? If not, what is left of them goes
 * (so that a normal start does not meet them) and false is returned. */
static bool adopted_or_ended(const char *path, const char *unit)
{
	char hold[4096];
	struct qr_keep k;
	bool ok;

	if (read_record(path, unit, &k))
		return false;
	ok = has_main_pid(unit, k.unit[0].pid[0]);
	for (size_t i = 0; !ok && i < k.unit[0].npids; i++)
		if (qr_adopt_waiting(k.unit[0].pid[i], unit, hold, sizeof(hold)))
			kill(k.unit[0].pid[i], SIGKILL);
	qr_keep_free(&k);
	return ok;
}

static int add_name(char ***v, size_t *n, const char *name)
{
	char **grown;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], name))
			return 0;
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return -1;
	*v = grown;
	if (!(grown[*n] = strdup(name)))
		return -1;
	(*n)++;
	return 0;
}

/* Every unit given an adoption: recorded by restore, or with a drop-in of
 * the generator's (restore may have died before recording it). */
static size_t kept_units(char ***units)
{
	size_t n = qr_adopt_generated_units(units);
	DIR *dd = opendir(QR_ADOPT_DIR);
	struct dirent *d;

	while (dd && (d = readdir(dd)))
		if (qr_unit_name_valid(d->d_name) && add_name(units, &n, d->d_name))
			break;
	if (dd)
		closedir(dd);
	return n;
}

static int finish(void)
{
	char *reload[] = { "systemctl", "daemon-reload", NULL };
	char **units, **again = NULL;
	size_t nunits = kept_units(&units), nagain = 0;
	int rc = QR_EXIT_OK, changed = 0;

	for (size_t i = 0; i < nunits; i++) {
		const char *unit = units[i];
		char path[4096];

		snprintf(path, sizeof(path), QR_ADOPT_DIR "/%s", unit);
		/* Without a record, its start (adopt) failed: nothing of it runs. */
		if ((!qr_adopt_recorded(unit) || !adopted_or_ended(path, unit)) &&
		    add_name(&again, &nagain, unit))
			qr_error("adopt: %s: out of memory", unit);
		unlink(path);
		changed += qr_adopt_generated(unit);
		qr_adopt_dropin_path(path, sizeof(path), QR_RUNTIME_UNIT_DIR, unit, true);
		changed += !unlink(path);
		qr_adopt_dropin_path(path, sizeof(path), QR_RUNTIME_UNIT_DIR, unit, false);
		rmdir(path);
	}
	/* The generator writes nothing more: no record is left. */
	if (qr_adopt_decide())
		rc = QR_EXIT_FAIL;
	if (changed && qr_run(reload)) {
		qr_error("adopt: systemctl daemon-reload failed");
		rc = QR_EXIT_FAIL;
	}
	for (size_t i = 0; i < nagain; i++) {
		char *start[] = { "systemctl", "start", "--no-block", again[i], NULL };
		char *reset[] = { "systemctl", "reset-failed", again[i], NULL };

		qr_error("adopt: %s was not adopted: starting it anew", again[i]);
		qr_run(reset);
		if (qr_run(start))
			rc = QR_EXIT_FAIL;
	}
	qr_adopt_units_list_free(again, nagain);
	qr_adopt_units_list_free(units, nunits);
	return rc;
}

int cmd_adopt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "finish", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	bool fin = false;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'f')
			fin = true;
	}
	if (fin && optind == argc)
		return finish();
	if (!fin && optind == argc - 1)
		return adopt(argv[optind]);
	return qr_usage_error(usage, "adopt: one UNIT, or --finish, is needed");
}
