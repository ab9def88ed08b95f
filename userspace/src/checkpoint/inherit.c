/* See checkpoint/inherit.h. */
#define _GNU_SOURCE
#include "checkpoint/inherit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/exit.h"

#define PAGE 4096ull
#define CHUNK_PAGES 256		/* the 1 MiB of buf */

/* /proc/PID/pagemap (Documentation/admin-guide/mm/pagemap.rst): the frame
 * is shown to CAP_SYS_ADMIN only, else 0, which shares nothing. */
#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_PFN ((1ull << 55) - 1)

void qr_parent_mem_init(struct qr_parent_mem *pm, const struct qr_pages *pg,
			pid_t ppid)
{
	pm->pid = 0;
	pm->mem = pm->pagemap = -1;
	pm->buf = NULL;
	for (size_t i = 0; i < pg->nanon && !pm->pid; i++)
		if (pg->anon[i].pid == ppid)
			pm->pid = ppid;
}

void qr_parent_mem_close(struct qr_parent_mem *pm)
{
	if (pm->mem >= 0)
		close(pm->mem);
	if (pm->pagemap >= 0)
		close(pm->pagemap);
	free(pm->buf);
	pm->buf = NULL;
	pm->mem = pm->pagemap = -1;
}

bool qr_inherit_candidate(const struct qr_pages *pg,
			  const struct qr_parent_mem *pm, uint64_t start,
			  uint64_t end)
{
	for (size_t i = 0; pm->pid && i < pg->nanon; i++)
		if (pg->anon[i].pid == pm->pid && pg->anon[i].start == start &&
		    pg->anon[i].end == end)
			return true;
	return false;
}

int qr_inherit_remember(struct qr_pages *pg, pid_t pid, uint64_t start,
			uint64_t end)
{
	struct qr_anon_saved *grown = realloc(pg->anon, (pg->nanon + 1) * sizeof(*grown));

	if (!grown) {
		qr_error("process %d: out of memory", pid);
		return -1;
	}
	pg->anon = grown;
	pg->anon[pg->nanon++] = (struct qr_anon_saved){ pid, start, end };
	return 0;
}

static int open_parent(struct qr_parent_mem *pm)
{
	char path[64];

	if (pm->mem >= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/mem", pm->pid);
	pm->mem = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pm->pid);
	pm->pagemap = open(path, O_RDONLY | O_CLOEXEC);
	pm->buf = malloc(CHUNK_PAGES * PAGE);
	if (pm->mem < 0 || pm->pagemap < 0 || !pm->buf) {
		qr_error("process %d: cannot read its memory: %s", pm->pid,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n, uint64_t off)
{
	return pread(fd, buf, n, off) == (ssize_t)n ? 0 : -1;
}

uint64_t *qr_parent_frames(struct qr_parent_mem *pm, uint64_t start,
			   uint64_t end)
{
	uint64_t n = (end - start) / PAGE, *f = malloc(n * sizeof(*f));

	if (!f || open_parent(pm) ||
	    read_all(pm->pagemap, f, n * sizeof(*f), start / PAGE * sizeof(*f))) {
		qr_error("process %d: its pages at 0x%llx: %s", pm->pid,
			 (unsigned long long)start, strerror(errno));
		free(f);
		return NULL;
	}
	for (uint64_t i = 0; i < n; i++)
		f[i] = f[i] & PM_PRESENT && !(f[i] & PM_SWAP) ? f[i] & PM_PFN : 0;
	return f;
}

/* The same frame in both, as pagemap shows it. */
static bool same_frame(uint64_t own, uint64_t theirs)
{
	return own & PM_PRESENT && theirs & PM_PRESENT &&
		!((own | theirs) & PM_SWAP) && own & PM_PFN &&
		(own & PM_PFN) == (theirs & PM_PFN);
}

static int add_run(struct qri_own_run **runs, uint32_t *n, uint32_t *cap,
		   uint64_t page)
{
	if (*n && (*runs)[*n - 1].first + (*runs)[*n - 1].count == page) {
		(*runs)[*n - 1].count++;
		return 0;
	}
	if (*n == *cap) {
		uint32_t c = *cap ? 2 * *cap : 16;
		struct qri_own_run *r = realloc(*runs, c * sizeof(*r));

		if (!r)
			return -1;
		*runs = r;
		*cap = c;
	}
	(*runs)[(*n)++] = (struct qri_own_run){ page, 1 };
	return 0;
}

/* Pages [from, to) of the chunk at buf, saved at off: written, or added
 * to the seal as the zeros a hole reads as. */
static int put(struct qr_pages *pg, const uint8_t *buf, uint64_t from,
	       uint64_t to, uint64_t off, bool hole)
{
	static const uint8_t zeros[PAGE];
	size_t n = (to - from) * PAGE;

	if (hole) {
		for (uint64_t p = from; p < to; p++)
			qr_seal_add(&pg->seal, off + (p - from) * PAGE, zeros, PAGE);
		return 0;
	}
	if (pwrite(pg->fd, buf + from * PAGE, n, off) != (ssize_t)n) {
		qr_error("writing pages: %s", strerror(errno));
		return -1;
	}
	qr_seal_add(&pg->seal, off, buf + from * PAGE, n);
	return 0;
}

int qr_pages_copy_inherit(struct qri_writer *w, struct qr_pages *pg,
			  struct qr_parent_mem *pm, pid_t pid, int mem,
			  int pagemap, uint64_t start, uint64_t end,
			  uint8_t *buf)
{
	uint64_t own[CHUNK_PAGES], theirs[CHUNK_PAGES], base = pg->off;
	struct qri_own_run *runs = NULL;
	uint32_t nruns = 0, cap = 0;
	int rc = 0;

	if (open_parent(pm))
		return -1;
	for (uint64_t a = start; !rc && a < end; a += CHUNK_PAGES * PAGE) {
		uint64_t k = (end - a) / PAGE < CHUNK_PAGES ? (end - a) / PAGE : CHUNK_PAGES;
		bool shared[CHUNK_PAGES], read = false;
		uint64_t from = 0;

		if (read_all(mem, buf, k * PAGE, a) ||
		    read_all(pagemap, own, k * 8, a / PAGE * 8) ||
		    read_all(pm->pagemap, theirs, k * 8, a / PAGE * 8)) {
			qr_error("process %d: memory at 0x%llx: %s", pid,
				 (unsigned long long)a, strerror(errno));
			rc = -1;
			break;
		}
		/* The parent's contents, read once for the chunk when one
		 * of its frames is the child's too. */
		for (uint64_t i = 0; i < k; i++) {
			shared[i] = same_frame(own[i], theirs[i]);
			if (shared[i] && !read)
				read = !read_all(pm->mem, pm->buf, k * PAGE, a);
			shared[i] = shared[i] && read &&
				!memcmp(pm->buf + i * PAGE, buf + i * PAGE, PAGE);
			if (shared[i] && add_run(&runs, &nruns, &cap, (a - start) / PAGE + i)) {
				qr_error("process %d: out of memory", pid);
				rc = -1;
				break;
			}
			pg->inherited += shared[i];
		}
		for (uint64_t i = 1; !rc && i <= k; i++)
			if (i == k || shared[i] != shared[from]) {
				rc = put(pg, buf, from, i, base + (a - start) + from * PAGE,
					 shared[from]);
				from = i;
			}
	}
	pg->off = base + (end - start);
	if (!rc && nruns)
		qri_add_vma_inherit(w, pid, start, runs, nruns);
	free(runs);
	return rc;
}
