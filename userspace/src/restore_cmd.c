/* quickreboot restore --dir DIR: verify the image, rebuild each process
 * with its old PID, report per process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "restore.h"
#include "restorer.h"

static const char usage[] =
	"usage: quickreboot restore --dir DIR\n"
	"       quickreboot restore --boot\n"
	"Verifies DIR/image (a bad image is refused and left in place) and\n"
	"rebuilds every process in it with its old PID, memory (from DIR/pages),\n"
	"files, credentials and registers; each continues where it stopped.\n"
	"Processes are restored independently: one failing leaves the others.\n"
	"--boot is what quickreboot-restore.service runs early in the New\n"
	"kernel's boot: nothing to do unless the command line has\n"
	"quickreboot.restore=TOKEN (put there by `quickreboot reboot`); then it\n"
	"mounts the shelter, restores its checkpoint if its keep record has the\n"
	"same token, and hands each kept service's processes to its systemd unit\n"
	"(see quickreboot(8), SYSTEMD).\n"
	QR_EXIT_CODES;

static const char *const steps[] = {
	[QR_RST_UNMAP] = "unmapping", [QR_RST_MAP] = "mapping memory",
	[QR_RST_FILL] = "reading pages", [QR_RST_PROTECT] = "protecting memory",
	[QR_RST_VDSO] = "placing the vDSO", [QR_RST_MM] = "setting brk and mm fields",
	[QR_RST_CREDS] = "setting credentials", [QR_RST_TLS] = "setting FS/GS base",
	[QR_RST_THREAD] = "creating a thread with its TID, or its robust list",
};

static int restore_one(const struct qri_proc_img *pr, const char *dir)
{
	pid_t want = pr->p.pid, got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	unsigned char st[2];
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC)) {
		qr_error("restore: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	got = syscall(SYS_clone3, &ca, sizeof(ca));
	if (got == 0) {
		close(p[0]);
		qr_restore_become(pr, dir, p[1]);
		_exit(1);
	}
	close(p[1]);
	if (got < 0) {
		qr_error("restore: pid %u (%s): cannot have its PID: %s",
			 pr->p.pid, pr->p.comm, strerror(errno));
		close(p[0]);
		return -1;
	}
	do
		n = read(p[0], st, sizeof(st));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == 2 && st[0] == QR_RST_OK) {
		printf("restored %u (%s)\n", pr->p.pid, pr->p.comm);
		return 0;
	}
	if (n == 2 && st[0] < sizeof(steps) / sizeof(steps[0]) && steps[st[0]])
		qr_error("restore: pid %u (%s): failed %s: %s", pr->p.pid,
			 pr->p.comm, steps[st[0]], strerror(st[1]));
	else
		qr_error("restore: pid %u (%s): failed before its memory was replaced",
			 pr->p.pid, pr->p.comm);
	waitpid(got, NULL, 0);
	return -1;
}

int qr_restore_dir(const char *dir, pid_t **ok, size_t *nok)
{
	struct qri_image img;
	struct qr_err e;
	char path[4096];
	uint8_t *buf;
	size_t len = 0;
	int failed = 0;
	FILE *f;

	*ok = NULL;
	*nok = 0;
	snprintf(path, sizeof(path), "%s/image", dir);
	f = fopen(path, "re");
	buf = malloc(QRI_MAX_SIZE + 1);
	if (f && buf)
		len = fread(buf, 1, QRI_MAX_SIZE + 1, f);
	if (!f || !buf || ferror(f)) {
		qr_error("restore: %s: %s", path, strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return QR_EXIT_FAIL;
	}
	fclose(f);
	if (qri_parse(buf, len, &img, &e)) {
		qr_error("restore: %s refused (left in place): %s", path, e.msg);
		free(buf);
		return QR_EXIT_UNSAFE;
	}
	*ok = calloc(img.nprocs ? img.nprocs : 1, sizeof(**ok));
	for (size_t i = 0; i < img.nprocs; i++) {
		if (!*ok || restore_one(&img.procs[i], dir))
			failed++;
		else
			(*ok)[(*nok)++] = img.procs[i].p.pid;
	}
	qri_free(&img);
	free(buf);
	return failed ? QR_EXIT_FAIL : QR_EXIT_OK;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "boot", no_argument, 0, 'b' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *dir = NULL;
	bool boot = false;
	pid_t *ok;
	size_t nok;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'b')
			boot = true;
	}
	if (boot && !dir && optind == argc)
		return qr_restore_boot();
	if (!dir || boot || optind < argc)
		return qr_usage_error(usage, "restore: --dir DIR or --boot, and nothing else, is needed");
	rc = qr_restore_dir(dir, &ok, &nok);
	free(ok);
	return rc;
}
