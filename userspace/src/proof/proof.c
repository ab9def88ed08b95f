/* The view of a live process, its image record, and the check at restore
 * (proof.h). */
#include "proof/proof.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "image/read.h"
#include "lib/exit.h"
#include "lib/readfile.h"

/* A view line is some 60 bytes, about 25 a thread: room for thousands. */
#define VIEW_MAX (1u << 20)

static int by_tid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Each thread but the main one ("thread TID ..." keys), by TID. */
static int thread_views(pid_t pid, struct qr_strbuf *out)
{
	char path[64], prefix[32];
	struct dirent *d;
	int *tids = NULL, rc = 0;
	size_t n = 0, cap = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0 || tid == pid)
			continue;
		if (n == cap) {
			int *m = realloc(tids, (cap = cap ? cap * 2 : 16) * sizeof(*m));

			if (!m) {
				rc = -1;
				break;
			}
			tids = m;
		}
		tids[n++] = tid;
	}
	closedir(dir);
	if (n)
		qsort(tids, n, sizeof(*tids), by_tid);
	for (size_t i = 0; !rc && i < n; i++) {
		char *status, *stat;

		snprintf(path, sizeof(path), "task/%d/status", tids[i]);
		status = qr_read_proc(pid, path);
		snprintf(path, sizeof(path), "task/%d/stat", tids[i]);
		stat = qr_read_proc(pid, path);
		snprintf(prefix, sizeof(prefix), "thread %d ", tids[i]);
		rc = status && stat ?
			qr_proof_view(prefix, status, stat, NULL, NULL, out) : -1;
		free(status);
		free(stat);
	}
	free(tids);
	return rc;
}

/* The view of pid into out; -1 with errno when /proc says nothing. */
static int read_view(pid_t pid, struct qr_strbuf *out)
{
	char *status = qr_read_proc(pid, "status"), *stat = qr_read_proc(pid, "stat");
	char *oom = qr_read_proc(pid, "oom_score_adj");
	char *pers = qr_read_proc(pid, "personality");
	int rc = status && stat ?
		qr_proof_view("", status, stat, oom, pers, out) : -1;

	free(status);
	free(stat);
	free(oom);
	free(pers);
	if (!rc)
		rc = thread_views(pid, out);
	return rc || qr_strbuf_failed(out) ? -1 : 0;
}

int qr_proof_capture(struct qri_writer *w, pid_t pid)
{
	struct qr_strbuf b = { 0 };
	struct qri_proof p = { .pid = (uint32_t)pid };
	int rc = read_view(pid, &b);

	if (rc || b.len > VIEW_MAX) {
		qr_error("process %d: cannot read what /proc shows of it", (int)pid);
		rc = -1;
	} else {
		p.len = (uint32_t)b.len;
		qri_add_raw(w, QRI_PROOF, QRI_REC_OPTIONAL, &p, sizeof(p), b.s, b.len);
	}
	qr_strbuf_free(&b);
	return rc;
}

int qri_read_proof(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left)
{
	struct qri_proc_img *pr;
	struct qri_proof p;

	memcpy(&p, fixed, sizeof(p));
	if (qri_owner(c, QRI_PROOF, p.pid, &pr))
		return -1;
	if (pr->proof)
		return BAD(c, QRI_PROOF, "pid %" PRIu32 ": a second one", p.pid);
	if (p.len != left || !p.len || p.len > VIEW_MAX)
		return BAD(c, QRI_PROOF, "pid %" PRIu32 ": a view of %" PRIu32 " bytes in a tail of %zu",
			   p.pid, p.len, left);
	for (size_t i = 0; i < left; i++)
		if ((tail[i] < 0x20 || tail[i] > 0x7e) && tail[i] != '\n')
			return BAD(c, QRI_PROOF, "pid %" PRIu32 ": byte %zu is not text",
				   p.pid, i);
	pr->proof = malloc(left + 1);
	if (!pr->proof)
		return qr_err_set(c->e, "out of memory");
	memcpy(pr->proof, tail, left);
	pr->proof[left] = '\0';
	return 0;
}

/* Test only: QUICKREBOOT_TEST_PROOF=nice changes the nice of the first
 * process checked, as a loss the view must catch. */
static void test_change(pid_t pid)
{
	static int done;
	const char *v = getenv("QUICKREBOOT_TEST_PROOF");

	if (done || !v || strcmp(v, "nice"))
		return;
	done = 1;
	errno = 0;
	setpriority(PRIO_PROCESS, pid, getpriority(PRIO_PROCESS, pid) + 1);
}

int qr_proof_check(const struct qri_proc_img *pr, pid_t pid)
{
	struct qr_strbuf now = { 0 };
	char diff[1024];
	int n;

	if (!pr->proof)
		return 0;
	test_change(pid);
	if (read_view(pid, &now)) {
		qr_error("restore: pid %d (%s): cannot read what /proc shows of it to compare",
			 (int)pid, pr->p.comm);
		qr_strbuf_free(&now);
		return -1;
	}
	n = qr_proof_compare(pr->proof, now.s, diff, sizeof(diff));
	qr_strbuf_free(&now);
	if (!n)
		return 0;
	qr_error("restore: pid %d (%s): %d field(s) not as checkpointed: %s",
		 (int)pid, pr->p.comm, n, diff);
	return -1;
}
