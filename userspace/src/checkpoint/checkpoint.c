/* The checkpoint stage (checkpoint.h): check, freeze, capture, write. */
#include "checkpoint/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "boot/first_block.h"
#include "boot/memview.h"
#include "boot/next_kernel.h"
#include "checkpoint/capture.h"
#include "fds/fds.h"
#include "checkpoint/dirlock.h"
#include "checkpoint/mntns.h"
#include "checkpoint/evacuate.h"
#include "checkpoint/freeze.h"
#include "checkpoint/seccomp.h"
#include "checkpoint/test_fail.h"
#include "fds/netlock.h"
#include "checkpoint/tree.h"
#include "clocks/clocks.h"
#include "image/image.h"
#include "lib/exit.h"
#include "lib/module_open.h"

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

/* The new checkpoint is complete under temporary names: it replaces the
 * previous one. The previous image goes first, then each file is renamed
 * over the previous one's (a previous file the new checkpoint has no
 * counterpart of is removed), the image last: DIR never holds an image
 * with files that are not its own. */
static int put_in_place(const char *dir)
{
	char from[4096], to[4096];
	int dfd;

	dir_path(to, sizeof(to), dir, files[NFILES - 1], 0);
	if (unlink(to) && errno != ENOENT) {
		qr_error("checkpoint: %s: %s", to, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < NFILES; i++) {
		dir_path(from, sizeof(from), dir, files[i], 1);
		dir_path(to, sizeof(to), dir, files[i], 0);
		if (!rename(from, to))
			continue;
		if (errno == ENOENT && i < NFILES - 1 &&
		    (!unlink(to) || errno == ENOENT))
			continue;
		qr_error("checkpoint: %s: %s", to, strerror(errno));
		return -1;
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

/* The previous checkpoint in DIR is still needed while a process of it is
 * frozen (committed, waiting for the kexec): replacing its image would
 * lose that process. Returns such a PID, else 0 (also when there is no
 * previous image, or it cannot be read: nothing could restore it). */
static pid_t previous_still_frozen(const char *dir, int fd)
{
	struct qri_image img = { .nprocs = 0 };
	char path[4096], *buf = NULL;
	struct qr_err e;
	struct stat sb;
	size_t len = 0;
	pid_t found = 0;
	FILE *f;

	dir_path(path, sizeof(path), dir, "image", 0);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fstat(fileno(f), &sb) && (uint64_t)sb.st_size <= QRI_MAX_SIZE)
		buf = malloc(sb.st_size + 1);
	if (buf)
		len = fread(buf, 1, sb.st_size + 1, f);
	fclose(f);
	if (buf && !qri_parse(buf, len, &img, &e)) {
		for (size_t i = 0; !found && i < img.nprocs; i++) {
			struct pfncheck_threads t = { .pid = img.procs[i].p.pid };

			if (!ioctl(fd, PFNCHECK_IOC_THREADS, &t) || errno == ENOSPC)
				found = t.pid;
		}
		qri_free(&img);
	}
	free(buf);
	return found;
}

/* After a failed write: when the filesystem is full and a previous
 * checkpoint holds room, say that both do not fit. */
static void say_if_full(const char *dir)
{
	char path[4096];
	struct statvfs vfs;
	struct stat st;

	dir_path(path, sizeof(path), dir, "pages", 0);
	if (stat(path, &st) || statvfs(dir, &vfs) ||
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= 1ULL << 20)
		return;
	qr_error("checkpoint: %s is full: the previous checkpoint there (pages %llu MiB) is kept until a new one is complete, and there is no room for both; remove %s/image and %s/pages first if the previous one is not needed",
		 dir, (unsigned long long)st.st_size >> 20, dir, dir);
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

/* The pages file's header, the first bytes its seal sums. */
static int start_pages(struct qr_pages *pg, const char *token,
		       const char *path)
{
	static uint8_t header[QRI_PAGES_HEADER];

	if (qr_seal_start(&pg->seal, token, header)) {
		qr_error("checkpoint: no random id for the pages seal");
		return -1;
	}
	if (pwrite(pg->fd, header, sizeof(header), 0) != sizeof(header)) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		return -1;
	}
	qr_seal_add(&pg->seal, 0, header, sizeof(header));
	pg->off = sizeof(header);
	return 0;
}

static int capture_all(const char *dir, const char *token, int fd, int n,
		       const struct qr_frozen *fr, const struct qr_subtree *st,
		       struct qr_zc *zc, bool clocks, const struct qr_run_list *run)
{
	struct qr_pages pg = { .off = 0 };
	struct qri_writer w;
	struct utsname u;
	char path[4096];
	int rc = -1;

	uname(&u);
	dir_path(path, sizeof(path), dir, "pages", 1);
	pg.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pg.fd < 0) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		return -1;
	}
	qri_writer_init(&w, u.release);
	if (start_pages(&pg, token, path))
		goto out;
	if (clocks && qr_capture_clocks(&w, fr[0].pid))
		goto out;
	/* Before the processes, whose attaches name the segments. */
	if (qr_sysv_capture(&w, &pg, st->pids, st->n, false))
		goto out;
	/* Before the processes, which name their namespace. */
	if (qr_mntns_capture(&w, st->pids, st->n))
		goto out;
	/* Before the processes, whose files there are opened by path. */
	if (qr_runfiles_capture(&w, run, st->pids, st->n))
		goto out;
	for (int i = 0; i < n; i++)
		if (qr_capture_process(&w, &pg, fd, &fr[i], zc))
			goto out;
	if (qr_capture_files(&w, st->pids, st->n))
		goto out;
	/* After their parents' records, which the reader wants first. */
	for (int i = 0; i < st->nzombies; i++)
		qri_add_zombie(&w, &st->zombies[i]);
	qr_test_pause("capture");
	if (qr_test_fail("capture"))
		goto out;
	/* Its size, should it end in pages shared with a parent (holes). */
	if (ftruncate(pg.fd, pg.off) || fsync(pg.fd)) {
		qr_error("checkpoint: %s: %s", path, strerror(errno));
		goto out;
	}
	if (qr_seal_finish(&pg.seal, &w)) {
		qr_error("checkpoint: the pages seal could not be made (out of memory?)");
		goto out;
	}
	if (qri_finish(&w)) {
		qr_error("checkpoint: out of memory");
		goto out;
	}
	/* Complete: handed over to pfncheck (refused if a process was killed
	 * meanwhile), then put in place. */
	if (write_hidden(dir, zc) ||
	    write_synced(dir, "image", w.buf, w.len) || qr_test_fail("write"))
		goto out;
	qr_test_pause("written");
	if (qr_commit(fd))
		goto out;
	qr_test_pause("committed");
	if (put_in_place(dir))
		goto out;
	printf("checkpointed %d process(es): image %zu bytes, pages %llu MiB\n",
	       n, w.len, (unsigned long long)(pg.off >> 20));
	if (pg.inherited || (zc && zc->inherited))
		printf("%llu pages shared with a parent since a fork, saved once\n",
		       (unsigned long long)(pg.inherited + (zc ? zc->inherited : 0)));
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
	qr_seal_free(&pg.seal);
	free(pg.shm);
	free(pg.anon);
	close(pg.fd);
	if (rc) {
		say_if_full(dir);
		remove_partial(dir);
	}
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

/* What check refuses in st, each named on its own line: how many, or -1
 * when a process cannot be read. *clocks: they share a time namespace. */
static int refusals(const struct qr_subtree *st, bool *clocks,
		    const struct qr_run_list *run)
{
	int refused = 0, more;

	for (int i = 0; i < st->n; i++) {
		int bad = qr_capture_check(st->pids[i]);

		if (bad < 0)
			return -1;
		refused += bad;
	}
	more = qr_capture_files(NULL, st->pids, st->n);
	if (more < 0)
		return -1;
	refused += more;
	more = qr_mntns_capture(NULL, st->pids, st->n);
	if (more < 0)
		return -1;
	refused += more;
	more = qr_runfiles_capture(NULL, run, st->pids, st->n);
	if (more < 0)
		return -1;
	refused += more;
	more = qr_sysv_capture(NULL, NULL, st->pids, st->n, false);
	return more < 0 ? -1 : refused + more +
		qr_clocks_check(st->pids, st->n, clocks);
}

/* Whether a descendant found by the walk is gone (exited and reaped). */
static bool descendant_gone(const struct qr_subtree *st)
{
	for (int i = st->nroots; i < st->n; i++)
		if (kill(st->pids[i], 0) && errno == ESRCH)
			return true;
	return false;
}

/* Processes that are not frozen fork and exit meanwhile (a unit that runs
 * a short-lived child every second): a check that failed while one of the
 * descendants it walked went away is made again on a new walk, a few
 * times; whatever it names then is real. */
#define CHECK_TRIES 5

int qr_checkpoint_check(const pid_t *pids, int n, const struct qr_run_list *run)
{
	struct qr_subtree st = { 0 };
	int refused = -1;
	bool shared, again = true;

	for (int t = 0; again && t < CHECK_TRIES; t++) {
		if (t)
			printf("a process exited during the check: checking again\n");
		qr_subtree_free(&st);
		refused = qr_subtree_find(pids, n, &st);
		if (refused >= 0) {
			int more = refusals(&st, &shared, run);

			refused = more < 0 ? -1 : refused + more;
		}
		again = refused && descendant_gone(&st);
	}
	qr_subtree_free(&st);
	if (refused < 0)
		return QR_EXIT_FAIL;
	if (refused) {
		qr_error("%d thing(s) named above cannot be carried: nothing was loaded or frozen",
			 refused);
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}

int qr_checkpoint(const struct qr_checkpoint_opts *o)
{
	struct qr_frozen *fr = NULL;
	struct qr_seccomp *sc = NULL;
	struct qr_subtree st = { 0 };
	int rc, fd = -1, lock = -1, refused, frozen = 0;
	pid_t held;
	struct qr_memview m = { 0 };
	struct qr_span boot;
	struct qr_zc zc = { .m = &m, .boot = &boot,
			    .keep_first_block = o->keep_first_block };
	bool zero_copy = false, ready, clocks = false;

	refused = qr_subtree_find(o->pids, o->npids, &st);
	if (refused >= 0) {
		int more = refusals(&st, &clocks, o->run);

		refused = more < 0 ? -1 : refused + more;
	}
	if (refused < 0) {
		rc = QR_EXIT_FAIL;
		goto out;
	}
	if (refused) {
		qr_error("checkpoint: %d thing(s) named above cannot be carried; nothing was frozen",
			 refused);
		rc = QR_EXIT_UNSAFE;
		goto out;
	}
	/* The module first: a caller who cannot freeze leaves nothing behind. */
	rc = QR_EXIT_FAIL;
	fr = calloc(st.n, sizeof(*fr));
	fd = fr ? qr_pfncheck_open() : -1;
	if (fd < 0) {
		rc = fd == QR_MODULE_ABI_MISMATCH ? QR_EXIT_ABI : QR_EXIT_FAIL;
		goto out;
	}
	if (mkdir(o->dir, 0700) && errno != EEXIST) {
		qr_error("checkpoint: %s: %s", o->dir, strerror(errno));
		rc = QR_EXIT_FAIL;
		goto out;
	}
	/* Before anything is frozen; what a killed checkpoint left goes. */
	lock = qr_dir_lock(o->dir);
	if (lock < 0) {
		rc = QR_EXIT_FAIL;
		goto out;
	}
	remove_partial(o->dir);
	if (o->want != QR_WANT_COPY) {
		rc = zc_boot_area(o->want, &m, &boot, &zero_copy);
		if (rc)
			goto out;
	}
	rc = QR_EXIT_FAIL;
	held = previous_still_frozen(o->dir, fd);
	if (held) {
		qr_error("checkpoint: %s holds the checkpoint of process %d, still frozen for the kexec: replacing it would lose it; thaw it first (quickreboot thaw %d) or use another directory; nothing was frozen",
			 o->dir, held, held);
		goto out;
	}
	/* Seccomp filters need a ptrace stop, which a frozen thread cannot
	 * take: read just before the freeze, checked against it after. */
	if (qr_seccomp_read_all(st.pids, st.n, &sc))
		goto out;
	/* Parents before children: a frozen parent forks no more. */
	for (frozen = 0; frozen < st.n; frozen++) {
		if (qr_freeze(fd, st.pids[frozen], &fr[frozen]))
			break;
		if (sc[frozen].nthreads)
			fr[frozen].seccomp = &sc[frozen];
	}
	ready = frozen == st.n && tree_unchanged(o->pids, o->npids, &st);
	if (ready)
		qr_test_pause("frozen");
	/* Before any page is pinned. Pages it cannot move are copied, or kept
	 * with --keep-first-block: its failure is not the checkpoint's. */
	if (ready && zero_copy && !qr_test_fail("evacuate"))
		qr_zc_evacuate(fd, &m, zc.keep_first_block);
	if (ready && !capture_all(o->dir, o->token, fd, st.n, fr, &st, zero_copy ? &zc : NULL,
				  clocks, o->run))
		rc = QR_EXIT_OK;
	/* Their TCP sockets take packets again before they go on. */
	if (rc != QR_EXIT_OK && frozen)
		qr_netunlock(st.pids, st.nroots);
	/* Committed, the processes stay frozen after the module's fd is
	 * closed; otherwise they are thawed (closing would thaw them too). */
	for (int i = 0; i < frozen; i++)
		if (rc == QR_EXIT_OK)
			qr_frozen_free(&fr[i]);
		else
			qr_thaw(fd, &fr[i]);
out:
	if (fd >= 0)
		close(fd);
	if (lock >= 0)
		close(lock);
	qr_seccomp_free_all(sc, st.n);
	qr_subtree_free(&st);
	qr_spans_free(&zc.hidden);
	qr_memview_free(&m);
	free(fr);
	return rc;
}
