/* The memory map from /proc/PID/maps, and in copy mode the contents of
 * every private area from /proc/PID/mem into the pages file; in zero copy
 * the frames of its anonymous pages instead (capture_zc.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "capture_maps.h"
#include "capture_zc.h"
#include "cli.h"

#define CHUNK (1 << 20)

/* Copies [start, end) of the process into the pages file. A page the
 * kernel cannot read (beyond the end of a mapped file: SIGBUS for the
 * process too) is saved as zeros, which is what a restored mapping of the
 * same file shows there. */
static int copy_area(int mem, struct qr_pages *pg, uint64_t start,
		     uint64_t end, uint8_t *buf)
{
	for (uint64_t a = start; a < end;) {
		size_t n = end - a < CHUNK ? end - a : CHUNK;
		ssize_t r = pread(mem, buf, n, a);

		if (r <= 0) {
			n = 4096;
			if (pread(mem, buf, n, a) != (ssize_t)n)
				memset(buf, 0, n);
		} else {
			n = r;
		}
		if (pwrite(pg->fd, buf, n, pg->off + (a - start)) != (ssize_t)n) {
			qr_error("writing pages: %s", strerror(errno));
			return -1;
		}
		a += n;
	}
	pg->off += end - start;
	return 0;
}

/* Zero copy for one area: its runs, the pages to copy written now. */
static int capture_runs(struct qri_writer *w, struct qr_pages *pg,
			struct qr_zc *zc, int mem, uint8_t *buf,
			const struct qri_vma *v, bool file)
{
	struct qri_page_run *runs;
	uint64_t off = pg->off;
	struct qr_err e;
	long n = qr_zc_runs(zc, v->start, v->end, file, &off, &runs, &e);
	int rc = 0;

	if (n < 0) {
		qr_error("process %u: area 0x%llx: %s", v->pid,
			 (unsigned long long)v->start, e.msg);
		return -1;
	}
	for (long i = 0; !rc && i < n; i++)
		if (runs[i].kind == QRI_RUN_COPY)
			rc = copy_area(mem, pg, runs[i].addr,
				       runs[i].addr + runs[i].count * 4096, buf);
	if (n)
		qri_add_page_runs(w, v->pid, v->start, runs, n);
	free(runs);
	return rc;
}

int qr_capture_memory(struct qri_writer *w, struct qr_pages *pg, pid_t pid,
		      uint64_t *heap_end, struct qr_zc *zc)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int mem, rc = 0;
	uint8_t *buf = malloc(CHUNK);
	FILE *maps;

	*heap_end = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || mem < 0 || !buf) {
		qr_error("process %d: cannot read its memory: %s", pid, strerror(errno));
		rc = -1;
	}
	while (!rc && getline(&line, &cap, maps) > 0) {
		struct qr_map m;
		struct qr_err e;
		struct qri_vma v = { .pid = pid, .pages_offset = QRI_NO_PAGES };
		const char *why;
		int c;

		if (qr_maps_line(line, &m, &e)) {
			qr_error("process %d: %s", pid, e.msg);
			rc = -1;
			break;
		}
		c = qr_map_classify(&m, &v.flags, &why);
		if (c < 0) {
			qr_error("process %d: %s at 0x%llx (%s)", pid, why,
				 (unsigned long long)m.start, m.name);
			rc = -1;
			break;
		}
		if (c > 0)
			continue;
		v.start = m.start;
		v.end = m.end;
		v.prot = m.prot;
		v.pgoff = m.offset / 4096;
		if (v.flags & QRI_VMA_HEAP)
			*heap_end = m.end;
		if (zc && qr_map_saves_pages(&m, v.flags) &&
		    !(v.flags & (QRI_VMA_VDSO | QRI_VMA_SHARED))) {
			qri_add_vma(w, &v, m.name[0] == '/' ? m.name : NULL);
			rc = capture_runs(w, pg, zc, mem, buf, &v, m.name[0] == '/');
			continue;
		}
		if (qr_map_saves_pages(&m, v.flags)) {
			v.pages_offset = pg->off;
			rc = copy_area(mem, pg, m.start, m.end, buf);
		}
		qri_add_vma(w, &v, m.name[0] == '/' ? m.name : NULL);
	}
	free(line);
	free(buf);
	if (maps)
		fclose(maps);
	if (mem >= 0)
		close(mem);
	return rc;
}
