/* quickreboot restore --dir DIR: verify the image, rebuild each process
 * with its old PID, report per process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../modules/common/restore_abi.h"
#include "cli.h"
#include "commands.h"
#include "restore.h"
#include "restore_handback.h"
#include "restorer.h"

static const char usage[] =
	"usage: quickreboot restore --dir DIR\n"
	"Verifies DIR/image (a bad image is refused and left in place) and\n"
	"rebuilds every process in it with its old PID, memory (from DIR/pages,\n"
	"and in zero copy the frames left in place, adopted through the restore\n"
	"module), files, credentials and registers; each continues where it\n"
	"stopped. Processes are restored independently: one failing leaves the\n"
	"others, its frames are freed. In a kernel confined to a boot area, the\n"
	"rest of RAM is handed back first (the image's frames held aside, the\n"
	"next boot area kept): run it at every boot; without DIR/image it does\n"
	"the hand-back alone.\n"
	QR_EXIT_CODES;

static const char *const steps[] = {
	[QR_RST_UNMAP] = "unmapping", [QR_RST_MAP] = "mapping memory",
	[QR_RST_FILL] = "reading pages", [QR_RST_PROTECT] = "protecting memory",
	[QR_RST_VDSO] = "placing the vDSO", [QR_RST_MM] = "setting brk and mm fields",
	[QR_RST_CREDS] = "setting credentials", [QR_RST_TLS] = "setting FS/GS base",
	[QR_RST_THREAD] = "creating a thread with its TID, or its robust list",
	[QR_RST_ADOPT] = "adopting its frames",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The frames of one process, for RELEASE when it failed. */
static uint64_t *frames_of(const struct qri_proc_img *pr, uint64_t *n)
{
	uint64_t *f = NULL, k = 0;

	*n = 0;
	for (size_t i = 0; i < pr->nvmas; i++)
		for (size_t j = 0; j < pr->vmas[i].nruns; j++)
			if (pr->vmas[i].runs[j].kind == QRI_RUN_FRAMES)
				*n += pr->vmas[i].runs[j].count;
	if (*n)
		f = malloc(*n * sizeof(*f));
	for (size_t i = 0; f && i < pr->nvmas; i++)
		for (size_t j = 0; j < pr->vmas[i].nruns; j++) {
			const struct qri_page_run *r = &pr->vmas[i].runs[j];

			for (uint64_t p = 0; r->kind == QRI_RUN_FRAMES && p < r->count; p++)
				f[k++] = r->where + p;
		}
	if (!f)
		*n = 0;
	return f;
}

static int restore_one(const struct qri_proc_img *pr, const char *dir,
		       struct qr_rst_times *times)
{
	pid_t want = pr->p.pid, got;
	struct clone_args ca = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&want,
		.set_tid_size = 1,
	};
	unsigned char st[2 + sizeof(struct qr_rst_times)];
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
	if (n == sizeof(st) && st[0] == QR_RST_OK) {
		memcpy(times, st + 2, sizeof(*times));
		printf("restored %u (%s)\n", pr->p.pid, pr->p.comm);
		return 0;
	}
	if (n >= 2 && st[0] < sizeof(steps) / sizeof(steps[0]) && steps[st[0]])
		qr_error("restore: pid %u (%s): failed %s: %s", pr->p.pid,
			 pr->p.comm, steps[st[0]], strerror(st[1]));
	else
		qr_error("restore: pid %u (%s): failed before its memory was replaced",
			 pr->p.pid, pr->p.comm);
	waitpid(got, NULL, 0);
	return -1;
}

/* Each process on its own: a failed one gives its frames back. */
static int restore_all(const struct qri_image *img, const char *dir,
		       struct qr_handback *hb)
{
	uint64_t adopt = 0, fill = 0, t0 = now_ns();
	uint32_t mode = 0;
	int failed = 0;

	for (size_t i = 0; i < img->nprocs; i++) {
		struct qr_rst_times t = { 0 };

		if (restore_one(&img->procs[i], dir, &t)) {
			uint64_t n, *f = frames_of(&img->procs[i], &n);

			if (n)
				qr_handback_release(hb, f, n);
			free(f);
			failed++;
			continue;
		}
		adopt += t.adopt_ns;
		fill += t.fill_ns;
		if (t.adopt_mode)
			mode = t.adopt_mode;
	}
	if (img->nframes)
		qr_handback_release(hb, NULL, 0);
	printf("restore: hand-back %llu ms, processes %llu ms (adopt %llu ms%s, read pages %llu ms)\n",
	       (unsigned long long)hb->ns / 1000000,
	       (unsigned long long)(now_ns() - t0) / 1000000,
	       (unsigned long long)adopt / 1000000,
	       mode == QR_MODE_COPY ? ", copy mode" : mode ? ", zero copy" : "",
	       (unsigned long long)fill / 1000000);
	return failed;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *dir = NULL;
	struct qr_handback hb;
	struct qri_image img;
	struct qr_err e;
	char path[4096];
	uint8_t *buf = NULL;
	struct stat sb;
	size_t len = 0;
	int opt, rc, failed;
	FILE *f;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'd')
			dir = optarg;
	}
	if (!dir || optind < argc)
		return qr_usage_error(usage, "restore: --dir DIR, and nothing else, is needed");
	snprintf(path, sizeof(path), "%s/image", dir);
	f = fopen(path, "re");
	if (!f && errno == ENOENT) {
		printf("restore: no %s: hand-back alone\n", path);
		rc = qr_handback_run(NULL, &hb);
		if (hb.fd >= 0)
			close(hb.fd);
		return rc;
	}
	/* As large as the file (a confined kernel has little memory before
	 * the hand-back), one byte more to see it did not grow. */
	if (f && !fstat(fileno(f), &sb) && (uint64_t)sb.st_size <= QRI_MAX_SIZE)
		buf = malloc(sb.st_size + 1);
	if (f && buf)
		len = fread(buf, 1, sb.st_size + 1, f);
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
	free(buf);
	rc = qr_handback_run(&img, &hb);
	if (rc) {
		qri_free(&img);
		return rc;
	}
	failed = restore_all(&img, dir, &hb);
	if (hb.fd >= 0)
		close(hb.fd);
	qri_free(&img);
	return failed ? QR_EXIT_FAIL : QR_EXIT_OK;
}
