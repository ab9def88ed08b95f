/* quickreboot checkpoint --dir DIR PID...: check, freeze, capture, write. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "capture_tree.h"
#include "checkpoint_freeze.h"
#include "cli.h"
#include "commands.h"
#include "memview.h"
#include "module_open.h"
#include "next_kernel.h"
#include "first_block.h"
#include "test_fail.h"
#include "zc_evacuate.h"

static const char usage[] =
	"usage: quickreboot checkpoint --dir DIR [--mode zero-copy|copy|auto]\n"
	"                              [--keep-first-block] PID...\n"
	"Checkpoints the processes with all their descendants (see check) into\n"
	"DIR/image and, in copy mode, their\n"
	"private memory into DIR/pages. In zero copy (auto: when there is a boot\n"
	"area, see `quickreboot cmdline`) their anonymous pages stay where they\n"
	"are, pinned, and the image names their frames; the New kernel must then\n"
	"be confined to the boot area (`quickreboot cmdline --mode zero-copy`,\n"
	"or `quickreboot reboot`, which matches them). What cannot be carried\n"
	"(sockets, pipes,\n"
	"shared memory, devices, open deleted files, traced processes, ...) is\n"
	"named and refused before anything is frozen (exit 3). Processes are\n"
	"frozen with the pfncheck module (loaded if needed): no thread runs, no\n"
	"signal is delivered, no parent sees a stop. On success they stay frozen\n"
	"until the kexec; on failure they are thawed and go on as before.\n"
	"In zero copy, pages that cannot be moved out of the first memory block\n"
	"(where every kernel runs) are copied; with --keep-first-block they are\n"
	"kept too, and their 2 MiB pageblocks are written to\n"
	"DIR/" QR_FIRST_BLOCK_FILE ": the New kernel must then be loaded with\n"
	"`quickreboot cmdline --hide-from DIR` (reboot does both).\n"
	QR_EXIT_CODES;

/* DIR/NAME, or DIR/.NAME.tmp while it is being written. */
static void dir_path(char *out, size_t size, const char *dir, const char *name,
		     int tmp)
{
	snprintf(out, size, tmp ? "%s/.%s.tmp" : "%s/%s", dir, name);
}

/* Writes the file whole under its temporary name, then fsyncs it: it must
 * survive the kexec. */
static int write_synced(const char *dir, const char *name, const void *buf,
			size_t len)
{
	char tmp[4096];
	int fd, rc = -1;

	dir_path(tmp, sizeof(tmp), dir, name, 1);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, buf, len) == (ssize_t)len && !fsync(fd))
		rc = 0;
	if (rc)
		qr_error("checkpoint: writing %s: %s", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* What a checkpoint leaves in DIR, the image last: DIR holds an image only
 * once it is whole with the files it needs. */
static const char *const files[] = { "pages", QR_FIRST_BLOCK_FILE, "image" };
#define NFILES (sizeof(files) / sizeof(files[0]))

/* The shelter has room for one checkpoint: the previous one goes before
 * the new pages are written, its image first, so that DIR never holds an
 * image with files that are not its own. */
static int remove_previous(const char *dir)
{
	char path[4096];

	for (size_t i = NFILES; i-- > 0;) {
		dir_path(path, sizeof(path), dir, files[i], 0);
		if (unlink(path) && errno != ENOENT) {
			qr_error("checkpoint: %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Each file written, the image last. On failure DIR holds no image (the
 * processes are thawed: none may be restored). */
static int put_in_place(const char *dir)
{
	char from[4096], to[4096];
	int dfd;

	for (size_t i = 0; i < NFILES; i++) {
		dir_path(from, sizeof(from), dir, files[i], 1);
		dir_path(to, sizeof(to), dir, files[i], 0);
		if (rename(from, to) && (errno != ENOENT || i == NFILES - 1)) {
			qr_error("checkpoint: %s: %s", to, strerror(errno));
			return -1;
		}
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		qr_error("checkpoint: %s: %s", dir, strerror(errno));
		unlink(to);
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	close(dfd);
	return 0;
}

/* A failed checkpoint leaves no partial file. */
static void remove_partial(const char *dir)
{
	char path[4096];

	for (size_t i = 0; i < NFILES; i++) {
		dir_path(path, sizeof(path), dir, files[i], 1);
		unlink(path);
	}
}

/* Zero copy with pages kept in the first block: their pageblocks, for the
 * New kernel's command line (first_block.h). */
static int write_hidden(const char *dir, const struct qr_zc *zc)
{
	char *text;
	int rc;

	if (!zc || !zc->hidden.n)
		return 0;
	text = qr_first_block_format(&zc->hidden);
	if (!text) {
		qr_error("checkpoint: out of memory");
		return -1;
	}
	rc = write_synced(dir, QR_FIRST_BLOCK_FILE, text, strlen(text));
	free(text);
	return rc;
}

static int capture_all(const char *dir, int fd, int n,
		       const struct qr_frozen *fr, const struct qr_subtree *st,
		       struct qr_zc *zc, bool clocks)
{
	struct qr_pages pg = { .off = 0 };
	struct qri_writer w;
	struct utsname u;
	char path[4096];
	int rc = -1;

	uname(&u);
	if (remove_previous(dir))
		return -1;
	dir_path(path, sizeof(path), dir, "pages", 1);
	pg.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pg.fd < 0) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		return -1;
	}
	qri_writer_init(&w, u.release);
	if (clocks && qr_capture_clocks(&w, fr[0].pid))
		goto out;
	for (int i = 0; i < n; i++)
		if (qr_capture_process(&w, &pg, fd, &fr[i], zc))
			goto out;
	/* After their parents' records, which the reader wants first. */
	for (int i = 0; i < st->nzombies; i++)
		qri_add_zombie(&w, &st->zombies[i]);
	if (qr_test_fail("capture"))
		goto out;
	if (fsync(pg.fd)) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		goto out;
	}
	if (qri_finish(&w)) {
		qr_error("checkpoint: out of memory");
		goto out;
	}
	if (write_hidden(dir, zc) ||
	    write_synced(dir, "image", w.buf, w.len) || qr_test_fail("write") ||
	    put_in_place(dir))
		goto out;
	printf("checkpointed %d process(es): image %zu bytes, pages %llu MiB\n",
	       n, w.len, (unsigned long long)(pg.off >> 20));
	if (zc)
		printf("zero copy: %llu pages kept in place, %llu copied (%llu of them for where their frame is)\n",
		       (unsigned long long)zc->kept, (unsigned long long)zc->copied,
		       (unsigned long long)zc->copied_place);
	if (zc && zc->hidden.n)
		printf("zero copy: %llu of the pages kept are in the first memory block: the New kernel must not use their pageblocks, listed in %s/%s (quickreboot cmdline --hide-from %s)\n",
		       (unsigned long long)zc->kept_first, dir,
		       QR_FIRST_BLOCK_FILE, dir);
	rc = 0;
out:
	qri_writer_free(&w);
	close(pg.fd);
	if (rc)
		remove_partial(dir);
	return rc;
}

/* With every process frozen, none can fork or exit: the tree found before
 * the freeze must be the tree now, or a child came or went in between. */
static int tree_unchanged(const pid_t *pids, int n, const struct qr_subtree *st)
{
	struct qr_subtree now;
	int same = qr_subtree_find(pids, n, &now) == 0 && qr_subtree_same(st, &now);

	if (!same)
		qr_error("checkpoint: the process tree changed while it was being frozen; thawed, try again");
	qr_subtree_free(&now);
	return same;
}

/* Zero copy needs the boot area the New kernel will run in: no frame may
 * be kept there. Returns a QR_EXIT_* code. */
static int zc_boot_area(int want, struct qr_memview *m, struct qr_span *boot,
			bool *zero_copy)
{
	struct qr_err e;
	int found;

	if (qr_memview_read(m, NULL))
		return want == QR_WANT_AUTO ? QR_EXIT_OK : QR_EXIT_FAIL;
	found = qr_bootarea_find(m, boot, &e);
	if (found < 0) {
		qr_error("checkpoint: boot area: %s", e.msg);
		return QR_EXIT_FAIL;
	}
	if (found && want == QR_WANT_ZERO_COPY) {
		qr_error("checkpoint: zero copy needs a boot area (quickreboot setup reserves one)");
		return QR_EXIT_UNSAFE;
	}
	*zero_copy = !found;
	return QR_EXIT_OK;
}

int cmd_checkpoint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "mode", required_argument, 0, 'm' },
		{ "keep-first-block", no_argument, 0, 'K' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	const char *dir = NULL;
	struct qr_frozen *fr = NULL;
	struct qr_subtree st = { 0 };
	pid_t *pids;
	int opt, rc, n, fd = -1, refused = 0, frozen = 0, want = QR_WANT_AUTO;
	struct qr_memview m = { 0 };
	struct qr_span boot;
	struct qr_zc zc = { .m = &m, .boot = &boot };
	bool zero_copy = false, ready, clocks = false;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc))
			return rc;
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'K')
			zc.keep_first_block = true;
		else if (opt == 'm' && (want = qr_parse_mode(optarg)) < 0)
			return qr_usage_error(usage, "checkpoint: unknown mode '%s'", optarg);
	}
	n = argc - optind;
	if (!dir || n < 1)
		return qr_usage_error(usage, "checkpoint: --dir and at least one PID are needed");
	pids = calloc(n, sizeof(*pids));
	if (!pids) {
		rc = QR_EXIT_FAIL;
		goto out;
	}
	rc = qr_parse_pids(argv + optind, n, pids, "checkpoint", usage);
	if (rc)
		goto out;
	refused = qr_subtree_find(pids, n, &st);
	if (refused < 0) {
		rc = QR_EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < st.n; i++)
		refused += qr_capture_check(st.pids[i]);
	refused += qr_clocks_check(st.pids, st.n, &clocks);
	if (refused) {
		qr_error("checkpoint: %d resource(s) cannot be carried; nothing was frozen",
			 refused);
		rc = QR_EXIT_UNSAFE;
		goto out;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		qr_error("checkpoint: %s: %s", dir, strerror(errno));
		rc = QR_EXIT_FAIL;
		goto out;
	}
	if (want != QR_WANT_COPY) {
		rc = zc_boot_area(want, &m, &boot, &zero_copy);
		if (rc)
			goto out;
	}
	rc = QR_EXIT_FAIL;
	fr = calloc(st.n, sizeof(*fr));
	fd = fr ? qr_pfncheck_open() : -1;
	if (fd < 0) {
		rc = fd == QR_MODULE_ABI_MISMATCH ? QR_EXIT_ABI : QR_EXIT_FAIL;
		goto out;
	}
	/* Parents before children: a frozen parent forks no more. */
	for (frozen = 0; frozen < st.n; frozen++)
		if (qr_freeze(fd, st.pids[frozen], &fr[frozen]))
			break;
	ready = frozen == st.n && tree_unchanged(pids, n, &st);
	/* Before any page is pinned. Pages it cannot move are copied, or kept
	 * with --keep-first-block: its failure is not the checkpoint's. */
	if (ready && zero_copy && !qr_test_fail("evacuate"))
		qr_zc_evacuate(fd, &m, zc.keep_first_block);
	if (ready && !capture_all(dir, fd, st.n, fr, &st, zero_copy ? &zc : NULL,
				  clocks))
		rc = QR_EXIT_OK;
	/* Frozen processes stay frozen after the module's fd is closed: the
	 * freeze belongs to the module, not to this command. */
	for (int i = 0; i < frozen; i++)
		if (rc == QR_EXIT_OK)
			qr_frozen_free(&fr[i]);
		else
			qr_thaw(fd, &fr[i]);
	close(fd);
out:
	qr_subtree_free(&st);
	qr_spans_free(&zc.hidden);
	qr_memview_free(&m);
	free(pids);
	free(fr);
	return rc;
}
