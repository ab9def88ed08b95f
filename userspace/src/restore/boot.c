/* quickreboot restore --boot: what quickreboot-restore.service runs early
 * in the New kernel (adopt.h describes the whole hand-over). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "service/adopt.h"
#include "lib/exit.h"
#include "boot/cmdline_tok.h"
#include "image/keep_record.h"
#include "lib/readfile.h"
#include "restore/restore.h"
#include "lib/run.h"
#include "shelter/contract.h"
#include "shelter/ready.h"
#include "lib/strbuf.h"

#define CP_DIR QR_SHELTER_MOUNTPOINT "/cp"
#define CP_FAILED QR_SHELTER_MOUNTPOINT "/cp.failed"

/* quickreboot.restore=TOKEN from /proc/cmdline into token; 0 if present. */
static int cmdline_token(char *token)
{
	char *text = qr_read_file("/proc/cmdline", 1 << 16);
	const struct qr_param *p;
	struct qr_cmdline cl;
	struct qr_err e;
	int rc = -1;

	if (!text)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	if (!qr_cmdline_parse(text, &cl, &e)) {
		p = qr_cmdline_find_last(&cl, QR_KEEP_CMDLINE_PARAM);
		if (p && p->value && qr_keep_token_valid(p->value)) {
			strcpy(token, p->value);
			rc = 0;
		}
		qr_cmdline_free(&cl);
	}
	free(text);
	return rc;
}

static int read_keep(const char *token, struct qr_keep *k)
{
	char *text = qr_read_file(CP_DIR "/" QR_KEEP_FILE, 1 << 20);
	struct qr_err e;
	int rc;

	if (!text) {
		qr_error("restore: %s: %s", CP_DIR "/" QR_KEEP_FILE, strerror(errno));
		return QR_EXIT_FAIL;
	}
	rc = qr_keep_parse(text, strlen(text), k, &e);
	free(text);
	if (rc) {
		qr_error("restore: %s refused: %s", CP_DIR "/" QR_KEEP_FILE, e.msg);
		return QR_EXIT_UNSAFE;
	}
	if (strcmp(k->token, token)) {
		qr_error("restore: %s belongs to another quick reboot (token %s, the command line says %s): not restored",
			 CP_DIR, k->token, token);
		qr_keep_free(k);
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}

static int write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;

	if (fd >= 0 && write(fd, text, len) == (ssize_t)len)
		rc = 0;
	if (rc)
		qr_error("restore: writing %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

static bool restored(const pid_t *ok, size_t nok, pid_t pid)
{
	for (size_t i = 0; i < nok; i++)
		if (ok[i] == pid)
			return true;
	return false;
}

/* The unit's record, and its drop-in unless the generator wrote one (NULL
 * dropin: none can be written); 0 when done. *runtime counts the drop-ins
 * written here (each needs a daemon-reload). */
static int prepare_adoption(const struct qr_keep *k, const struct qr_keep_unit *u,
			    const char *dropin, int *runtime)
{
	struct qr_keep one = { .nunits = 0 };
	struct qr_strbuf b = { 0 };
	char path[4096];
	int rc = -1;

	memcpy(one.token, k->token, sizeof(one.token));
	if (qr_keep_add_unit(&one, u->name, u->pid, u->npids, NULL))
		goto out;
	qr_keep_format(&one, &b);
	if (qr_strbuf_failed(&b))
		goto out;
	if (!qr_adopt_generated(u->name)) {
		if (!dropin || qr_adopt_dropin_write(QR_RUNTIME_UNIT_DIR, u->name, dropin))
			goto out;
		(*runtime)++;
	}
	snprintf(path, sizeof(path), QR_ADOPT_DIR "/%s", u->name);
	rc = write_file(path, b.s, b.len);
out:
	qr_strbuf_free(&b);
	qr_keep_free(&one);
	return rc;
}

/* Each kept unit whose processes all came back, frozen before they
 * resume (held[i] for unit i), to run again in their unit. */
struct hold {
	const struct qr_keep *k;
	bool *held;
};

static bool all_back(const struct qr_keep_unit *u, const pid_t *ok, size_t nok)
{
	for (size_t j = 0; j < u->npids; j++)
		if (!restored(ok, nok, u->pid[j]))
			return false;
	return true;
}

static void hold_units(const pid_t *ok, size_t nok, void *arg)
{
	struct hold *h = arg;

	for (size_t i = 0; h->held && i < h->k->nunits; i++) {
		const struct qr_keep_unit *u = &h->k->unit[i];

		h->held[i] = all_back(u, ok, nok) &&
			     !qr_adopt_hold(u->name, u->pid, u->npids);
	}
}

/* Units whose processes all came back are recorded for adoption (and get
 * a drop-in if the generator wrote none); the others lose what came back
 * of them and start normally. Returns how many are recorded; *runtime
 * counts the drop-ins written here. */
static int hand_over(const struct qr_keep *k, const pid_t *ok, size_t nok,
		     const bool *held, int *failed, int *runtime)
{
	struct qr_strbuf dropin = { 0 };
	char exe[4096];
	bool exe_ok = qr_adopt_exe(exe, sizeof(exe));
	int recorded = 0;

	if (!exe_ok)
		qr_error("restore: the path of this program is unusable in a unit file");
	else
		qr_adopt_dropin(exe, &dropin);
	mkdir("/run/quickreboot", 0755);
	mkdir(QR_ADOPT_DIR, 0755);
	mkdir(QR_RUNTIME_UNIT_DIR, 0755);
	for (size_t i = 0; i < k->nunits; i++) {
		const struct qr_keep_unit *u = &k->unit[i];
		size_t back = 0;

		for (size_t j = 0; j < u->npids; j++)
			back += restored(ok, nok, u->pid[j]);
		if (back == u->npids &&
		    !prepare_adoption(k, u, exe_ok && !qr_strbuf_failed(&dropin) ? dropin.s : NULL,
				      runtime)) {
			printf("%s: %zu process(es) restored, main PID %d; %s until the unit adopts them when it starts (drop-in %s)\n",
			       u->name, u->npids, (int)u->pid[0],
			       held && held[i] ? "frozen" : "running (not frozen)",
			       qr_adopt_generated(u->name) ? "from quickreboot-generator" : "written now");
			recorded++;
			continue;
		}
		(*failed)++;
		qr_error("restore: %s: %zu of its %zu process(es) restored: ending them, the unit starts normally",
			 u->name, back, u->npids);
		for (size_t j = 0; j < u->npids; j++)
			if (restored(ok, nok, u->pid[j]))
				kill(u->pid[j], SIGKILL);
	}
	qr_strbuf_free(&dropin);
	return recorded;
}

/* Restore has decided: the generator keeps only the drop-ins of recorded
 * units from now on. systemd is reloaded if that drops one (a unit that
 * must start normally: restore failed for it, or it was not in the keep
 * record) or a drop-in was written here. Returns 0, or -1 after printing
 * why (kept units may then start anew). */
static int settle(int runtime)
{
	char **gen, *reload[] = { "systemctl", "daemon-reload", NULL };
	size_t ngen = qr_adopt_generated_units(&gen);
	int dropped = 0, rc = 0;

	for (size_t i = 0; i < ngen; i++)
		if (!qr_adopt_recorded(gen[i])) {
			printf("%s: not adopted: its generated drop-in goes, it starts normally\n", gen[i]);
			dropped++;
		}
	qr_adopt_units_list_free(gen, ngen);
	if (qr_adopt_decide())
		rc = -1;
	if (runtime || dropped) {
		if (qr_run(reload)) {
			qr_error("restore: systemctl daemon-reload failed: kept units may start anew");
			rc = -1;
		}
	} else if (ngen) {
		printf("no daemon-reload: every kept unit's drop-in came from quickreboot-generator\n");
	}
	return rc;
}

/* A kept unit runs after the quick reboot even if nothing else would start
 * it (not enabled, started by hand): its start job adopts, once this unit
 * is done (the drop-in orders it after). */
static void start_kept(const struct qr_keep *k)
{
	char **argv = calloc(k->nunits + 5, sizeof(*argv));
	size_t n = 0;

	if (!argv) {
		qr_error("restore: cannot queue the start of the kept units: out of memory");
		return;
	}
	argv[n++] = "systemctl";
	argv[n++] = "start";
	argv[n++] = "--no-block";
	argv[n++] = "--";
	for (size_t i = 0; i < k->nunits; i++)
		if (qr_adopt_recorded(k->unit[i].name))
			argv[n++] = k->unit[i].name;
	if (n > 4 && qr_run(argv))
		qr_error("restore: cannot queue the start of the kept units");
	free(argv);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* A restored checkpoint is removed (it must not be restored twice, and it
 * holds the shelter's space); one that failed is kept aside for
 * inspection, where no later boot restores it. */
static void retire_checkpoint(bool ok)
{
	nftw(CP_FAILED, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (ok ? nftw(CP_DIR, rm_entry, 16, FTW_DEPTH | FTW_PHYS) : rename(CP_DIR, CP_FAILED))
		qr_error("restore: %s %s: %s", ok ? "removing" : "moving aside", CP_DIR,
			 strerror(errno));
	else if (!ok)
		qr_error("restore: the checkpoint is kept for inspection in %s", CP_FAILED);
	sync();
}

int qr_restore_boot(void)
{
	char token[QR_KEEP_TOKEN_LEN + 1];
	struct qr_keep k;
	struct hold h;
	pid_t *ok = NULL;
	size_t nok = 0;
	int rc, failed = 0, runtime = 0, recorded;

	if (cmdline_token(token)) {
		printf("nothing to restore: no %s=TOKEN on the kernel command line\n",
		       QR_KEEP_CMDLINE_PARAM);
		return qr_handback_alone();
	}
	rc = qr_shelter_ready(false);
	if (rc) {
		settle(0);
		return rc;
	}
	rc = read_keep(token, &k);
	if (rc) {
		settle(0);
		retire_checkpoint(false);
		return rc;
	}
	h.k = &k;
	h.held = calloc(k.nunits + 1, sizeof(*h.held));
	rc = qr_restore_dir(CP_DIR, token, &ok, &nok, hold_units, &h);
	recorded = hand_over(&k, ok, nok, h.held, &failed, &runtime);
	if (settle(runtime))
		failed++;
	if (recorded)
		start_kept(&k);
	retire_checkpoint(!rc && !failed);
	printf("restored %zu process(es)%s\n", nok, rc || failed ? ", with failures" : "");
	free(ok);
	free(h.held);
	qr_keep_free(&k);
	return rc ? rc : failed ? QR_EXIT_FAIL : QR_EXIT_OK;
}
