/* quickreboot reboot --kernel VMLINUZ [--initrd F] [--append A]
 * [--unit NAME.service]... [PID...]: the whole quick reboot. Loads the New
 * kernel first (not downtime), then checkpoints into the shelter, unmounts
 * it, syncs and kexecs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quickreboot/pfncheck_abi.h"
#include "cli.h"
#include "commands.h"
#include "conf.h"
#include "keep_record.h"
#include "first_block.h"
#include "kexec_load_argv.h"
#include "module_open.h"
#include "next_kernel.h"
#include "pid_floor.h"
#include "readfile.h"
#include "run.h"
#include "shelter_contract.h"
#include "shelter_ready.h"
#include "strbuf.h"
#include "unit_procs.h"

#define QR_CHECKPOINT_DIR QR_SHELTER_MOUNTPOINT "/cp"

static const char usage[] =
	"usage: quickreboot reboot --kernel VMLINUZ [--initrd FILE] [--append ARGS]\n"
	"                          [--mode zero-copy|copy|auto] [--no-kexec-digest]\n"
	"                          [--unit NAME.service]... [PID...]\n"
	"Quick reboot into VMLINUZ keeping the processes of each --unit (every\n"
	"process in its cgroup) and the processes PID...; with neither, what\n"
	QR_CONF_PATH " lists (keep-unit, keep-pid). Loads the New kernel with\n"
	"the command line `quickreboot cmdline --append ARGS` prints, plus\n"
	QR_KEEP_CMDLINE_PARAM "=TOKEN and a PID floor (sysctl.kernel.pid_max=\n"
	"and ns_last_pid=: the New kernel hands out no kept PID before restore);\n"
	"mounts the shelter (loading and formatting a fresh one); writes the keep\n"
	"record (the units and TOKEN) and checkpoints the processes into\n"
	QR_CHECKPOINT_DIR "; loads the New kernel again if a kept\n"
	"PID or TID is above the floor, or if pages are kept in the first memory\n"
	"block (checkpoint --keep-first-block: their pageblocks hidden from it);\n"
	"unmounts the shelter, syncs and kexecs.\n"
	"In the New kernel, quickreboot-restore.service restores them and hands\n"
	"each unit its processes back. Nothing is frozen if the kernel cannot be\n"
	"loaded or a process cannot be kept; if the kexec itself fails, the\n"
	"processes are thawed and go on in this kernel.\n"
	"--mode as for `quickreboot cmdline`: in zero copy the New kernel is\n"
	"placed in the boot area and the processes' private pages stay where\n"
	"they are.\n"
	"--no-kexec-digest loads with kexec -i: purgatory then jumps to the New\n"
	"kernel without checking the SHA-256 of what was loaded (a second or\n"
	"more on slow or emulated CPUs; the check catches a loaded kernel or\n"
	"initramfs corrupted before the kexec).\n"
	QR_EXIT_CODES;

/* vmlinuz-VER: VER, for /boot/config-VER. */
static const char *release_of(const char *kernel)
{
	const char *base = strrchr(kernel, '/');

	base = base ? base + 1 : kernel;
	return strncmp(base, "vmlinuz-", 8) ? NULL : base + 8;
}

/* What kexec loads, the command line apart. */
struct kernel_files {
	const char *kernel, *initrd;
	bool no_digest;
};

static int load_kernel(const struct kernel_files *kf, const char *append,
		       int want, const struct qr_spans *first_block,
		       bool *zero_copy)
{
	const char *kernel = kf->kernel, *initrd = kf->initrd;
	char *initrd_opt = NULL, *append_opt = NULL, *min_opt = NULL, *max_opt = NULL;
	char *argv[QR_KEXEC_LOAD_ARGC];
	struct qr_next_kernel nk;
	int rc;

	rc = qr_next_kernel(NULL, append, want, release_of(kernel), first_block,
			    &nk);
	if (rc)
		return rc;
	rc = QR_EXIT_FAIL;
	if (asprintf(&append_opt, "--append=%s", nk.line) < 0 ||
	    (initrd && asprintf(&initrd_opt, "--initrd=%s", initrd) < 0) ||
	    (nk.zero_copy &&
	     (asprintf(&min_opt, "--mem-min=0x%llx", (unsigned long long)nk.boot.start) < 0 ||
	      asprintf(&max_opt, "--mem-max=0x%llx", (unsigned long long)nk.boot.end - 1) < 0)))
		goto out;
	/* In zero copy, the New kernel's segments inside the boot area: the
	 * only memory it believes is RAM. */
	qr_kexec_load_argv(&(struct qr_kexec_load){
		.kernel = kernel, .append = append_opt, .initrd = initrd_opt,
		.mem_min = min_opt, .mem_max = max_opt, .no_digest = kf->no_digest,
	}, argv);
	if (qr_run(argv))
		qr_error("reboot: kexec -l %s failed", kernel);
	else
		rc = QR_EXIT_OK;
	if (!rc)
		printf("New kernel loaded (%s)\n", nk.zero_copy ? "zero copy" : "copy mode");
	*zero_copy = nk.zero_copy;
out:
	free(nk.line);
	free(initrd_opt);
	free(append_opt);
	free(min_opt);
	free(max_opt);
	return rc;
}

/* The caller's parameters, the keep token and the PID floor
 * (pid_floor.h); NULL if out of memory. */
static char *new_append(const char *append, const char *token, long pid_max,
			long floor)
{
	char params[96], *line;

	if (qr_pid_floor_params(params, sizeof(params), pid_max, floor)) {
		qr_error("reboot: PID %ld is not below pid_max %ld", floor, pid_max);
		return NULL;
	}
	if (asprintf(&line, "%s%s" QR_KEEP_CMDLINE_PARAM "=%s %s", append,
		     *append ? " " : "", token, params) < 0)
		return NULL;
	return line;
}

/*
 * The New kernel was loaded before the freeze, with the last PID handed
 * out then as its floor. It is loaded again, once, if the frozen processes
 * made children or threads above the floor since (their highest ID is the
 * new floor), or if the checkpoint kept pages in the first memory block,
 * whose pageblocks it must then not use (first_block.h).
 */
static int load_again(char **full_append, const char *append,
		      const char *token, long pid_max, long floor,
		      const pid_t *pids, size_t npids,
		      const struct kernel_files *kf, bool zero_copy)
{
	long kept = qr_kept_id_max(pids, (int)npids);
	struct qr_spans first_block = { 0 };
	struct qr_err e;
	char *line;
	bool again;
	int rc = QR_EXIT_FAIL;

	if (kept < 0)
		return QR_EXIT_FAIL;
	if (zero_copy &&
	    qr_first_block_read(QR_CHECKPOINT_DIR, &first_block, &e)) {
		qr_error("reboot: %s", e.msg);
		return QR_EXIT_FAIL;
	}
	if (kept <= floor && !first_block.n)
		return QR_EXIT_OK;
	if (kept > floor)
		printf("PID %ld was handed out after the New kernel was loaded: loading it again\n",
		       kept);
	if (first_block.n)
		printf("pages kept in the first memory block: loading the New kernel again, their pageblocks hidden from it\n");
	line = new_append(append, token, pid_max, kept > floor ? kept : floor);
	if (!line)
		goto out;
	free(*full_append);
	*full_append = line;
	if (load_kernel(kf, line, zero_copy ? QR_WANT_ZERO_COPY : QR_WANT_COPY,
			&first_block, &again) || again != zero_copy)
		qr_error("reboot: the New kernel could not be loaded again: the processes go on in this kernel");
	else
		rc = QR_EXIT_OK;
out:
	qr_spans_free(&first_block);
	return rc;
}

/* After a failed kexec: the processes go on in this kernel. */
static void thaw_all(const pid_t *pids, size_t n)
{
	int fd = qr_device_open("pfncheck", PFNCHECK_DEVICE, "reboot");

	for (size_t i = 0; fd >= 0 && i < n; i++) {
		struct pfncheck_thaw t = { .pid = pids[i] };

		if (ioctl(fd, PFNCHECK_IOC_THAW, &t))
			qr_error("reboot: cannot thaw %d", (int)pids[i]);
	}
	if (fd >= 0)
		close(fd);
}

/* What to keep: the units and PIDs of the command line, or of the
 * configuration file when the command line names none. */
struct keep_plan {
	const char **unit;
	size_t nunits;
	pid_t *pid;	/* every process: the units' and the named ones */
	size_t npids;
	struct qr_keep rec;
	struct qr_conf conf;
	char *conf_text;
};

static int add_pids(struct keep_plan *p, const pid_t *pid, size_t n)
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

static int plan_from_conf(struct keep_plan *p)
{
	struct qr_err e;

	p->conf_text = qr_read_file(QR_CONF_PATH, 1 << 20);
	if (!p->conf_text) {
		qr_error("reboot: nothing to keep: no --unit, no PID, and %s: %s",
			 QR_CONF_PATH, strerror(errno));
		return QR_EXIT_USAGE;
	}
	if (qr_conf_parse(p->conf_text, strlen(p->conf_text), &p->conf, &e)) {
		qr_error("reboot: %s: %s", QR_CONF_PATH, e.msg);
		return QR_EXIT_USAGE;
	}
	for (size_t i = 0; i < p->conf.n; i++) {
		const struct qr_conf_entry *en = &p->conf.entry[i];

		if (en->kind == QR_KEEP_UNIT)
			p->unit[p->nunits++] = en->unit;
		else if (add_pids(p, &en->pid, 1))
			return QR_EXIT_FAIL;
	}
	if (!p->nunits && !p->npids) {
		qr_error("reboot: nothing to keep: no --unit, no PID, and %s lists nothing",
			 QR_CONF_PATH);
		return QR_EXIT_USAGE;
	}
	return QR_EXIT_OK;
}

/* Each unit's processes into the keep record and the PID list. */
static int plan_units(struct keep_plan *p)
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
			rc = add_pids(p, pids, n);
		free(pids);
		if (rc)
			return rc;
	}
	return QR_EXIT_OK;
}

static int new_token(char *token)
{
	unsigned char r[QR_KEEP_TOKEN_LEN / 2];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		qr_error("reboot: getrandom: %s", strerror(errno));
		return QR_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		sprintf(token + 2 * i, "%02x", r[i]);
	return QR_EXIT_OK;
}

/* DIR/keep, synced: restore --boot reads it in the New kernel. */
static int write_keep(const struct qr_keep *rec)
{
	struct qr_strbuf b = { 0 };
	int fd, rc = QR_EXIT_FAIL;

	qr_keep_format(rec, &b);
	if (mkdir(QR_CHECKPOINT_DIR, 0700) && errno != EEXIST)
		goto out;
	fd = open(QR_CHECKPOINT_DIR "/" QR_KEEP_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (!qr_strbuf_failed(&b) && write(fd, b.s, b.len) == (ssize_t)b.len && !fsync(fd))
		rc = QR_EXIT_OK;
	close(fd);
out:
	if (rc)
		qr_error("reboot: writing %s: %s", QR_CHECKPOINT_DIR "/" QR_KEEP_FILE,
			 strerror(errno));
	qr_strbuf_free(&b);
	return rc;
}

static void plan_free(struct keep_plan *p)
{
	free(p->unit);
	free(p->pid);
	qr_keep_free(&p->rec);
	qr_conf_free(&p->conf);
	free(p->conf_text);
}

int cmd_reboot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, 0, 'k' },
		{ "initrd", required_argument, 0, 'i' },
		{ "append", required_argument, 0, 'a' },
		{ "mode", required_argument, 0, 'm' },
		{ "no-kexec-digest", no_argument, 0, 'D' },
		{ "unit", required_argument, 0, 'u' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *kernel = NULL, *initrd = NULL, *append = "";
	char **cp_argv = NULL, *unload[] = { "kexec", "-u", NULL };
	char *exec_argv[] = { "kexec", "-e", NULL };
	char *umount_argv[] = { "shelter-umount", NULL };
	char *full_append = NULL, (*pid_args)[16] = NULL;
	struct keep_plan p = { .nunits = 0 };
	int opt, rc, n, want = QR_WANT_AUTO;
	long pid_max, floor;
	bool zero_copy = false, no_digest = false;
	struct kernel_files kf;

	p.unit = calloc(argc + QR_CONF_MAX_ENTRIES, sizeof(*p.unit));
	if (!p.unit)
		return QR_EXIT_FAIL;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			goto out;
		if (opt == 'k')
			kernel = optarg;
		else if (opt == 'i')
			initrd = optarg;
		else if (opt == 'a')
			append = optarg;
		else if (opt == 'u')
			p.unit[p.nunits++] = optarg;
		else if (opt == 'D')
			no_digest = true;
		else if (opt == 'm' && (want = qr_parse_mode(optarg)) < 0) {
			rc = qr_usage_error(usage, "reboot: unknown mode '%s'", optarg);
			goto out;
		}
	}
	n = argc - optind;
	rc = QR_EXIT_USAGE;
	if (!kernel) {
		qr_usage_error(usage, "reboot: --kernel is needed");
		goto out;
	}
	if (access(kernel, R_OK) || (initrd && access(initrd, R_OK))) {
		qr_usage_error(usage, "reboot: cannot read %s",
			       access(kernel, R_OK) ? kernel : initrd);
		goto out;
	}
	if (n) {
		pid_t *named = calloc(n, sizeof(*named));

		rc = named ? qr_parse_pids(argv + optind, n, named, "reboot", usage) : QR_EXIT_FAIL;
		if (!rc)
			rc = add_pids(&p, named, n);
		free(named);
	} else {
		rc = p.nunits ? QR_EXIT_OK : plan_from_conf(&p);
	}
	if (!rc)
		rc = plan_units(&p);
	if (!rc)
		rc = new_token(p.rec.token);
	if (rc)
		goto out;
	rc = QR_EXIT_FAIL;
	pid_max = qr_pid_max();
	floor = qr_last_pid();
	cp_argv = calloc(p.npids + 6, sizeof(*cp_argv));
	pid_args = calloc(p.npids, sizeof(*pid_args));
	if (pid_max < 0 || floor < 0 || !cp_argv || !pid_args ||
	    !(full_append = new_append(append, p.rec.token, pid_max, floor)))
		goto out;
	cp_argv[0] = "checkpoint";
	cp_argv[1] = "--dir";
	cp_argv[2] = QR_CHECKPOINT_DIR;
	for (size_t i = 0; i < p.npids; i++) {
		snprintf(pid_args[i], sizeof(pid_args[i]), "%d", (int)p.pid[i]);
		cp_argv[5 + i] = pid_args[i];
	}

	kf = (struct kernel_files){ kernel, initrd, no_digest };
	rc = load_kernel(&kf, full_append, want, NULL, &zero_copy);
	if (rc) {
		qr_error("reboot: nothing was frozen");
		goto out;
	}
	cp_argv[3] = zero_copy ? "--keep-first-block" : "--mode=copy";
	cp_argv[4] = zero_copy ? "--mode=zero-copy" : "--mode=copy";
	rc = qr_shelter_ready(true);
	if (!rc)
		rc = write_keep(&p.rec);
	if (!rc)
		rc = qr_subcommand(cmd_checkpoint, cp_argv);
	if (rc) {
		qr_run(unload);
		goto out;
	}
	rc = load_again(&full_append, append, p.rec.token, pid_max, floor,
			p.pid, p.npids, &kf, zero_copy);
	if (!rc)
		rc = qr_subcommand(cmd_shelter_umount, umount_argv);
	if (!rc) {
		sync();
		qr_run(exec_argv);
		qr_error("reboot: kexec -e returned");
	}
	/* Still in this kernel: nothing is lost, the processes go on. */
	thaw_all(p.pid, p.npids);
	qr_run(unload);
	rc = QR_EXIT_FAIL;
out:
	free(cp_argv);
	free(pid_args);
	free(full_append);
	plan_free(&p);
	return rc;
}
