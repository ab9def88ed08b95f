/* The restore stage (restore.h): verify the image, rebuild each process
 * with its old PID, report per process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clocks/clocks.h"
#include "quickreboot/restore_abi.h"
#include "image/seal.h"
#include "proof/proof.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"
#include "restore/flock_orphans.h"
#include "restore/restore.h"
#include "restore/runfiles.h"
#include "restore/handback.h"
#include "restore/said.h"
#include "restore/tree.h"
#include "restorer/restorer.h"

static const char *const steps[] = {
	[QR_RST_UNMAP] = "unmapping", [QR_RST_MAP] = "mapping memory",
	[QR_RST_FILL] = "reading pages", [QR_RST_PROTECT] = "protecting memory",
	[QR_RST_VDSO] = "placing the vDSO", [QR_RST_MM] = "setting brk and mm fields",
	[QR_RST_CREDS] = "setting credentials", [QR_RST_TLS] = "setting FS/GS base",
	[QR_RST_THREAD] = "creating a thread with its TID, or its robust list",
	[QR_RST_SCHED] = "setting a thread's scheduling or affinity",
	[QR_RST_ADVICE] = "setting madvise or mlock flags",
	[QR_RST_SECCOMP] = "installing a seccomp filter (the process must not come back with fewer)",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Test only: QUICKREBOOT_TEST_KILL=STEP ends restore with SIGKILL at STEP,
 * as a kill -9 or a systemd start timeout would: "handback" (the RAM
 * handed back, no process created), "spawned" (every process created,
 * none reported yet). A second restore must finish the job. */
static void test_kill(const char *step)
{
	const char *v = getenv("QUICKREBOOT_TEST_KILL");

	if (!v || strcmp(v, step))
		return;
	fprintf(stderr, "quickreboot: restore: killed at %s (QUICKREBOOT_TEST_KILL, a test setting)\n",
		step);
	fflush(NULL);
	raise(SIGKILL);
}

/* /proc/PID/stat: comm, process group and session. */
static int stat_of(uint32_t pid, char *comm, size_t size, long *pgid, long *sid)
{
	char path[64], *s, *l, *r;
	int rc = -1;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	s = qr_read_file(path, 4096);
	l = s ? strchr(s, '(') : NULL;
	r = s ? strrchr(s, ')') : NULL;
	if (l && r && r > l && (size_t)(r - l - 1) < size &&
	    sscanf(r + 1, " %*c %*d %ld %ld", pgid, sid) == 2) {
		memcpy(comm, l + 1, r - l - 1);
		comm[r - l - 1] = '\0';
		rc = 0;
	}
	free(s);
	return rc;
}

/* Process i of the tree was made by an earlier restore of this image (one
 * killed part way): its PID is taken by a process with the image's name,
 * or quickreboot's while its restore goes on (waited for, 10 s at most),
 * in the image's group and session where the plan sets them (a root left
 * in the restorer's keeps that of the killed restore). Anything else
 * holding the PID makes process i fail as before. */
static bool made_earlier(const struct qr_restore_ctx *c, size_t i)
{
	const struct qri_image *img = c->img;
	uint32_t pid = qr_restore_pid(c, i);
	long want_pgid = i < img->nprocs ? (long)img->procs[i].p.pgid :
		(long)img->zombies[i - img->nprocs].pgid;
	long want_sid = i < img->nprocs ? (long)img->procs[i].p.sid :
		(long)img->zombies[i - img->nprocs].sid;
	int action = c->tree.action[i];
	char comm[64];
	long pgid, sid;

	for (int t = 0; t < 200; t++) {
		if (stat_of(pid, comm, sizeof(comm), &pgid, &sid))
			return false;
		if (!strcmp(comm, qr_restore_comm(c, i)))
			return (action == QR_TREE_KEEP || pgid == want_pgid) &&
				(action != QR_TREE_SETSID || sid == want_sid);
		if (strcmp(comm, "quickreboot"))
			return false;
		usleep(50000);
	}
	return false;
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

/* What process i said at the end of its restore (or that it never said). */
static int report(const struct qr_restore_ctx *c, size_t i,
		  struct qr_rst_times *times)
{
	uint32_t pid = qr_restore_pid(c, i);
	const char *comm = qr_restore_comm(c, i);
	unsigned char st[2 + sizeof(struct qr_rst_times)];
	ssize_t n;

	do
		n = read(c->status_rd[i], st, sizeof(st));
	while (n < 0 && errno == EINTR);
	/* A zombie reports its status only, a process its times too. */
	if (n >= 2 && st[0] == QR_RST_OK) {
		if (n == sizeof(st))
			memcpy(times, st + 2, sizeof(*times));
		printf("restored %u (%s)%s\n", pid, comm, i < c->img->nprocs ? "" :
		       ": exited, for its parent's wait()");
		return 0;
	}
	if (n >= 2 && st[0] < sizeof(steps) / sizeof(steps[0]) && steps[st[0]])
		qr_error("restore: pid %u (%s): failed %s: %s", pid, comm,
			 steps[st[0]], strerror(st[1]));
	else
		qr_error("restore: pid %u (%s): failed before its memory was replaced, or not created (its parent failed first)",
			 pid, comm);
	return -1;
}

/* The THPs zero copy kept huge, from the restore module's status; -1 if
 * it does not say (a module without the counter). */
static int64_t huge_pages(void)
{
	char *s = qr_read_file("/sys/module/restore/status/adopted_huge", 32);
	char *end;
	unsigned long long n;
	int64_t huge = -1;

	if (s) {
		errno = 0;
		n = strtoull(s, &end, 10);
		if (!errno && end != s && (*end == '\n' || !*end) &&
		    n <= INT64_MAX)
			huge = (int64_t)n;
	}
	free(s);
	return huge;
}

/* Resumed: files are made again, so one that a process running already
 * shares with one still to be made would come back as two. Named, and
 * nothing is made (the frames stay held for another try). */
static bool split_files(const struct qr_restore_ctx *c)
{
	const struct qri_image *img = c->img;
	bool split = false;

	for (size_t f = 0; f < img->nfiles; f++) {
		long made = -1, unmade = -1;

		if (qr_fd_kind(img->files[f].f.kind)->stateless)
			continue;
		for (size_t i = 0; i < img->nprocs; i++)
			for (size_t j = 0; j < img->procs[i].nfds; j++)
				if (img->procs[i].fds[j].file == f)
					*(qr_restore_made(c, i) ? &made : &unmade) = i;
		if (made < 0 || unmade < 0)
			continue;
		qr_error("restore: %s is shared by process %u, running already, and process %u, not made yet: a resumed restore would split it; nothing more is made",
			 img->files[f].path, img->procs[made].p.pid,
			 img->procs[unmade].p.pid);
		split = true;
	}
	return split;
}

/* A parent-death signal of a process whose parent was not kept: that
 * parent died with the Old kernel, and the signal is not set again. */
static void say_pdeath_lost(const struct qri_proc_img *pr)
{
	for (size_t j = 0; j < pr->nthreads; j++) {
		const struct qri_thread_img *th = &pr->threads[j];

		if (th->sig && th->sig->pdeath_signal)
			printf("restore: pid %u: thread %u: parent-death signal %d not set again: its parent %u was not kept\n",
			       pr->p.pid, th->t.tid, th->sig->pdeath_signal,
			       pr->p.ppid);
	}
}

/* Roots first created here, each with its subtree; then every process
 * reports, and all go on together once all have reported. A failed one
 * gives its frames back. */
static int restore_all(const struct qri_image *img, const char *dir,
		       struct qr_handback *hb, pid_t *ok, size_t *nok,
		       qr_restore_hold_fn *hold, void *arg)
{
	size_t all = img->nprocs + img->nzombies;
	pid_t *roots = calloc(all + 1, sizeof(*roots));
	struct qr_rst_times *t = calloc(all + 1, sizeof(*t));
	bool *bad = calloc(all + 1, sizeof(*bad));
	struct qr_restore_said said = {
		.handback_ns = hb->fd >= 0 && !hb->resumed ? hb->ns : UINT64_MAX,
	};
	uint64_t t0 = now_ns();
	struct qr_restore_ctx c;
	char line[QR_SAID_MAX];
	int failed = 0, timens;
	size_t earlier = 0;

	if (!roots || !t || !bad || qr_restore_ctx_init(&c, img, dir)) {
		if (roots && t && bad)
			qr_restore_ctx_free(&c);
		free(roots);
		free(t);
		free(bad);
		return (int)all;
	}
	/* Resumed: what an earlier restore, killed part way, made already. */
	c.earlier = calloc(c.tree.n + 1, sizeof(*c.earlier));
	for (size_t i = 0; c.earlier && i < c.tree.n; i++) {
		uint32_t pid = qr_restore_pid(&c, i);
		char path[64];

		snprintf(path, sizeof(path), "/proc/%u", pid);
		if (!access(path, F_OK) && made_earlier(&c, i)) {
			c.earlier[i] = true;
			earlier++;
		}
	}
	if (earlier)
		printf("restore: %zu of the image's %zu processes run already, made by an earlier restore of this image: resuming\n",
		       earlier, c.tree.n);
	if (earlier && split_files(&c)) {
		qr_restore_ctx_free(&c);
		free(roots);
		free(t);
		free(bad);
		return (int)(c.tree.n - earlier);
	}
	/* Before the files: a process's file under /run is opened by path,
	 * in its directory. A failure is named; the processes go on. */
	qr_runfiles_make(img, earlier > 0);
	/* The roots' subtrees are created by the roots: all inherit it. */
	timens = qr_clocks_enter(img->clocks);
	/* Every file once, inside the time namespace (a timer's clock), for
	 * all processes to take theirs from. */
	if (qr_files_make(&c.files, img) ||
	    qr_shmem_make(&c.shm, &c.files, dir, c.files.top) ||
	    (!earlier && qr_sysv_make(&c.sysv, img, dir)) ||
	    qr_mntns_make(&c.mntns, img, c.files.top)) {
		qr_clocks_leave(timens);
		qr_restore_ctx_free(&c);
		free(roots);
		free(t);
		free(bad);
		return (int)all;
	}
	for (size_t k = 0; k < c.tree.n; k++) {
		size_t i = c.tree.order[k];
		long p = c.tree.parent[i];

		/* A process whose parent runs already is made here: the
		 * parent is past making its children. */
		if (!qr_restore_made(&c, i) && (p < 0 || qr_restore_made(&c, p)))
			roots[i] = qr_restore_spawn(&c, i);
		if (p < 0 && i < img->nprocs)
			say_pdeath_lost(&img->procs[i]);
	}
	qr_shmem_close(&c.shm);
	qr_mntns_close(&c.mntns);
	qr_clocks_leave(timens);
	test_kill("spawned");
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

		if (qr_restore_made(&c, i)) {
			printf("restored %u (%s): running already, made by an earlier restore\n",
			       qr_restore_pid(&c, i), qr_restore_comm(&c, i));
			if (i < img->nprocs)
				ok[(*nok)++] = img->procs[i].p.pid;
			continue;
		}
		bad[i] = report(&c, i, &t[i]);
		/* Rebuilt and not resumed: compared with what /proc showed at
		 * the checkpoint, killed before it runs on if it differs. */
		if (!bad[i] && i < img->nprocs &&
		    qr_proof_check(&img->procs[i], qr_restore_pid(&c, i))) {
			kill(qr_restore_pid(&c, i), SIGKILL);
			bad[i] = true;
		}
	}
	qr_restore_flock_orphans(&c, bad);
	qr_files_close(&c.files);
	for (size_t k = 0; k < c.tree.n; k++) {
		size_t i = c.tree.order[k];

		if (qr_restore_made(&c, i))
			continue;
		if (bad[i]) {
			uint64_t n = 0, *f = NULL;

			if (i < img->nprocs)
				f = frames_of(&img->procs[i], &n);

			if (n)
				qr_handback_release(hb, f, n);
			free(f);
			failed++;
			if (roots[i] > 0)
				waitpid(roots[i], NULL, 0);
			continue;
		}
		if (i < img->nprocs)
			ok[(*nok)++] = img->procs[i].p.pid;
		said.adopt_ns += t[i].adopt_ns;
		said.fill_ns += t[i].fill_ns;
		if (t[i].adopt_mode)
			said.adopt_mode = t[i].adopt_mode;
	}
	/* What failed processes alone used goes with them; a failed image
	 * leaves nothing behind, for a later restore of it. */
	if (!earlier)
		qr_sysv_remove_unused(&c.sysv, img, bad, !*nok);
	free(bad);
	free(t);
	if (hold)
		hold(ok, *nok, arg);
	qr_restore_ctx_free(&c);	/* go: they resume */
	free(roots);
	if (img->nframes)
		qr_handback_release(hb, NULL, 0);
	said.processes_ns = now_ns() - t0;
	said.huge = said.adopt_mode == QR_MODE_ZERO_COPY ? huge_pages() : -1;
	qr_said_restore(line, sizeof(line), &said);
	printf("%s\n", line);
	return failed;
}

/* The pages file holds every byte the image places in it: else it was cut
 * short (a full shelter, a copy), and is refused before anything is
 * touched, naming the first process that would miss its pages. */
static int pages_short(const struct qri_image *img, const char *dir)
{
	uint64_t need = 0, end;
	const struct qri_process *who = NULL;
	char path[4096];
	struct stat sb;

	for (size_t i = 0; i < img->nprocs; i++) {
		const struct qri_proc_img *pr = &img->procs[i];

		for (size_t j = 0; j < pr->nvmas; j++) {
			const struct qri_vma_img *v = &pr->vmas[j];

			end = v->v.pages_offset == QRI_NO_PAGES ? 0 :
				v->v.pages_offset + (v->v.flags & QRI_VMA_SHMEM ?
						     v->v.shm_size :
						     v->v.end - v->v.start);
			for (size_t k = 0; k < v->nruns; k++)
				if (v->runs[k].kind == QRI_RUN_COPY &&
				    v->runs[k].where + v->runs[k].count * 4096 > end)
					end = v->runs[k].where + v->runs[k].count * 4096;
			if (end > need) {
				need = end;
				who = &pr->p;
			}
		}
	}
	for (size_t i = 0; i < img->nshms; i++) {
		end = img->shms[i].pages_offset + ((img->shms[i].size + 4095) & ~4095ull);
		if (end > need) {
			need = end;
			who = NULL;
		}
	}
	if (!need)
		return 0;
	snprintf(path, sizeof(path), "%s/pages", dir);
	if (stat(path, &sb)) {
		qr_error("restore: %s: %s; the image (left in place) needs %" PRIu64 " bytes of it: nothing restored, nothing handed back",
			 path, strerror(errno), need);
		return -1;
	}
	if ((uint64_t)sb.st_size < need) {
		if (who)
			qr_error("restore: %s is truncated: %" PRIu64 " bytes, the image needs %" PRIu64 " (process %u (%s) has pages up to there): refused, left in place, nothing handed back",
				 path, (uint64_t)sb.st_size, need, who->pid, who->comm);
		else
			qr_error("restore: %s is truncated: %" PRIu64 " bytes, the image needs %" PRIu64 " (a System V segment's contents end there): refused, left in place, nothing handed back",
				 path, (uint64_t)sb.st_size, need);
		return -1;
	}
	return 0;
}

int qr_handback_alone(void)
{
	struct qr_handback hb;
	int rc = qr_handback_run(NULL, &hb);

	if (hb.fd >= 0)
		close(hb.fd);
	return rc;
}

/* The pages file against the image's seal (image/seal.h), before anything
 * is handed back, adopted or filled. */
static int check_seal(const struct qri_image *img, const char *dir,
		      const char *token)
{
	struct qr_err e;
	char path[4096];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/pages", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qr_error("restore: %s: %s (image left in place)", path, strerror(errno));
		return QR_EXIT_UNSAFE;
	}
	rc = qr_seal_check(img, fd, path, token, &e);
	close(fd);
	if (rc) {
		qr_error("restore: %s/image refused (left in place): %s", dir, e.msg);
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}

int qr_restore_dir(const char *dir, const char *token, pid_t **ok, size_t *nok,
		   qr_restore_hold_fn *hold, void *arg)
{
	struct qr_handback hb;
	struct qri_image img;
	struct qr_err e;
	char path[4096];
	uint8_t *buf = NULL;
	struct stat sb;
	size_t len = 0;
	int rc, failed = 0;
	FILE *f;

	*ok = NULL;
	*nok = 0;
	snprintf(path, sizeof(path), "%s/image", dir);
	f = fopen(path, "re");
	if (!f && errno == ENOENT) {
		/* Never the hand-back alone: a mistyped DIR would give the
		 * frames of the real image to the page allocator. */
		qr_error("restore: no image at %s: nothing restored and nothing handed back (frames kept for a checkpoint stay held); `quickreboot restore --handback-only` gives the hidden RAM back when there is nothing to restore",
			 path);
		return QR_EXIT_FAIL;
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
	if (pages_short(&img, dir)) {
		qri_free(&img);
		free(buf);
		return QR_EXIT_UNSAFE;
	}
	*ok = calloc(img.nprocs ? img.nprocs : 1, sizeof(**ok));
	rc = *ok ? check_seal(&img, dir, token) : QR_EXIT_FAIL;
	if (!rc)
		rc = qr_handback_run(&img, &hb);
	if (!rc)
		test_kill("handback");
	if (!rc)
		failed = restore_all(&img, dir, &hb, *ok, nok, hold, arg);
	if (!rc && hb.fd >= 0)
		close(hb.fd);
	qri_free(&img);
	free(buf);
	if (rc)
		return rc;
	return failed ? QR_EXIT_FAIL : QR_EXIT_OK;
}
