/* quickreboot restore --dir DIR: verify the image, rebuild each process
 * with its old PID, report per process. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "restore.h"
#include "restore_tree.h"
#include "restorer.h"

static const char usage[] =
	"usage: quickreboot restore --dir DIR\n"
	"Verifies DIR/image (a bad image is refused and left in place) and\n"
	"rebuilds every process in it with its old PID, memory (from DIR/pages),\n"
	"files, credentials and registers; each continues where it stopped.\n"
	"Each process is created by its restored parent, with its session and\n"
	"process group; a process whose parent was not checkpointed becomes a\n"
	"child of init. All resume together once all are ready. One failing\n"
	"leaves the others (its descendants are not created if it fails first).\n"
	QR_EXIT_CODES;

static const char *const steps[] = {
	[QR_RST_UNMAP] = "unmapping", [QR_RST_MAP] = "mapping memory",
	[QR_RST_FILL] = "reading pages", [QR_RST_PROTECT] = "protecting memory",
	[QR_RST_VDSO] = "placing the vDSO", [QR_RST_MM] = "setting brk and mm fields",
	[QR_RST_CREDS] = "setting credentials", [QR_RST_TLS] = "setting FS/GS base",
	[QR_RST_THREAD] = "creating a thread with its TID, or its robust list",
};

/* What process i said at the end of its restore (or that it never said). */
static int report(const struct qr_restore_ctx *c, size_t i)
{
	uint32_t pid = qr_restore_pid(c, i);
	const char *comm = qr_restore_comm(c, i);
	unsigned char st[2];
	ssize_t n;

	do
		n = read(c->status_rd[i], st, sizeof(st));
	while (n < 0 && errno == EINTR);
	if (n == 2 && st[0] == QR_RST_OK) {
		printf("restored %u (%s)%s\n", pid, comm, i < c->img->nprocs ? "" :
		       ": exited, for its parent's wait()");
		return 0;
	}
	if (n == 2 && st[0] < sizeof(steps) / sizeof(steps[0]) && steps[st[0]])
		qr_error("restore: pid %u (%s): failed %s: %s", pid, comm,
			 steps[st[0]], strerror(st[1]));
	else
		qr_error("restore: pid %u (%s): failed before its memory was replaced, or not created (its parent failed first)",
			 pid, comm);
	return -1;
}

/* Roots first created here, each with its subtree; then every process
 * reports, and all go on together once all have reported. */
static int restore_all(const struct qri_image *img, const char *dir)
{
	struct qr_restore_ctx c;
	pid_t *roots = calloc(img->nprocs + img->nzombies + 1, sizeof(*roots));
	int failed = 0;

	if (!roots || qr_restore_ctx_init(&c, img, dir)) {
		if (roots)
			qr_restore_ctx_free(&c);
		free(roots);
		return (int)(img->nprocs + img->nzombies);
	}
	for (size_t k = 0; k < c.tree.n; k++) {
		size_t i = c.tree.order[k];

		if (c.tree.parent[i] < 0)
			roots[i] = qr_restore_spawn(&c, i);
	}
	/* Every process exists now, or never will: only they hold the write
	 * ends from here on, so a missing report reads as the end of file. */
	for (size_t i = 0; i < c.tree.n; i++) {
		close(c.status_wr[i]);
		c.status_wr[i] = -1;
	}
	close(c.go_rd);
	c.go_rd = -1;
	for (size_t k = 0; k < c.tree.n; k++) {
		size_t i = c.tree.order[k];

		if (report(&c, i)) {
			failed++;
			if (roots[i] > 0)
				waitpid(roots[i], NULL, 0);
		}
	}
	qr_restore_ctx_free(&c);
	free(roots);
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
	struct qri_image img;
	struct qr_err e;
	char path[4096];
	uint8_t *buf;
	size_t len = 0;
	int opt, rc, failed = 0;
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
	failed = restore_all(&img, dir);
	qri_free(&img);
	free(buf);
	return failed ? QR_EXIT_FAIL : QR_EXIT_OK;
}
