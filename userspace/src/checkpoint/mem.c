/* The memory map from /proc/PID/maps, and in copy mode the contents of
 * every private area from /proc/PID/mem into the pages file, and for private
 * file mappings which of their pages are the process's own, from
 * /proc/PID/pagemap; in zero copy the frames of its anonymous pages instead
 * (checkpoint/zc.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/attrs.h"
#include "checkpoint/capture.h"
#include "checkpoint/inherit.h"
#include "checkpoint/maps.h"
#include "checkpoint/zc.h"
#include "lib/exit.h"

#define CHUNK (1 << 20)

/* Copies [start, end) of the process into the pages file. A page the
 * kernel cannot read (beyond the end of a mapped file: SIGBUS for the
 * process too) is saved as zeros, which is what a restored mapping of the
 * same file shows there. */
int qr_pages_copy(int mem, struct qr_pages *pg, uint64_t start,
		  uint64_t end, uint8_t *buf)
{
	for (uint64_t a = start; a < end;) {
		size_t n = end - a < CHUNK ? end - a : CHUNK;
		ssize_t r = pread(mem, buf, n, a);

		if (r <= 0) {
			/* To the page's end (a file's size need not be
			 * whole pages), never past the area's. */
			n = 4096 - a % 4096;
			if (n > end - a)
				n = end - a;
			if (pread(mem, buf, n, a) != (ssize_t)n)
				memset(buf, 0, n);
		} else {
			n = r;
		}
		r = pwrite(pg->fd, buf, n, pg->off + (a - start));
		if (r != (ssize_t)n) {
			qr_error("writing pages: %s", r < 0 ? strerror(errno) :
				 "short write (no space left?)");
			return -1;
		}
		qr_seal_add(&pg->seal, pg->off + (a - start), buf, n);
		a += n;
	}
	pg->off += end - start;
	return 0;
}

/* A memfd or /dev/shm file: what makes it again by name, and what an fd
 * of it says (fds/contents.c's object) to be opened on the same file. */
static int capture_named(int fd, const struct stat *st, pid_t pid,
			 const struct qr_map *m, struct qr_shm_saved *s)
{
	int seals = 0;

	if (!strncmp(m->name, "/memfd:", 7)) {
		seals = fcntl(fd, F_GET_SEALS);
		if (seals < 0) {
			qr_error("process %d: %s at 0x%llx: seals: %s", pid,
				 m->name, (unsigned long long)m->start,
				 strerror(errno));
			return -1;
		}
	}
	s->object = (uint64_t)st->st_dev << 40 ^ st->st_ino;
	s->bytes = st->st_size;
	s->mode = st->st_mode & 07777;
	s->uid = st->st_uid;
	s->gid = st->st_gid;
	s->seals = seals;
	return 0;
}

/* Shared anonymous memory: the whole object behind the area, read
 * through /proc/PID/map_files, goes to the pages file the first time any
 * process's area of it is met; every area names where it is. */
static int capture_shmem(struct qr_pages *pg, pid_t pid, const struct qr_map *m,
			 struct qri_vma *v, uint8_t *buf)
{
	struct qr_shm_saved *s = NULL, *grown;
	char path[96];
	struct stat st;
	int fd, rc;

	for (size_t i = 0; i < pg->nshm && !s; i++)
		if (pg->shm[i].inode == m->inode && pg->shm[i].dev == m->dev)
			s = &pg->shm[i];
	if (!s) {
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", pid,
			 (unsigned long long)m->start, (unsigned long long)m->end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		grown = realloc(pg->shm, (pg->nshm + 1) * sizeof(*grown));
		if (fd < 0 || fstat(fd, &st) || !grown) {
			qr_error("process %d: shared memory at 0x%llx: %s", pid,
				 (unsigned long long)m->start, strerror(errno));
			if (grown)
				pg->shm = grown;
			if (fd >= 0)
				close(fd);
			return -1;
		}
		pg->shm = grown;
		s = &pg->shm[pg->nshm++];
		*s = (struct qr_shm_saved){
			.inode = m->inode, .dev = m->dev, .off = pg->off,
			.size = (st.st_size + 4095) & ~4095ull,
		};
		rc = qr_pages_copy(fd, pg, 0, s->size, buf);
		if (!rc && qr_map_tmpfs(m))
			rc = capture_named(fd, &st, pid, m, s);
		close(fd);
		if (rc)
			return -1;
	}
	v->shm_object = s->object;
	v->shm_bytes = s->bytes;
	v->shm_mode = s->mode;
	v->shm_uid = s->uid;
	v->shm_gid = s->gid;
	v->shm_seals = s->seals;
	if (m->offset + (m->end - m->start) > s->size) {
		qr_error("process %d: shared memory at 0x%llx maps past its object's end",
			 pid, (unsigned long long)m->start);
		return -1;
	}
	v->pages_offset = s->off;
	v->shm_size = s->size;
	v->pgoff = m->offset / 4096;
	return 0;
}

/* Zero copy for one area: its runs, the pages to copy written now; the
 * pages shared with the parent (parent not NULL) listed. */
static int capture_runs(struct qri_writer *w, struct qr_pages *pg,
			struct qr_zc *zc, int mem, uint8_t *buf,
			const struct qri_vma *v, bool file,
			struct qr_parent_mem *parent)
{
	struct qri_page_run *runs;
	uint64_t off = pg->off, *frames = NULL;
	struct qr_err e;
	long n;
	int rc = 0;

	if (parent && !(frames = qr_parent_frames(parent, v->start, v->end)))
		return -1;
	zc->parent_frames = frames;
	n = qr_zc_runs(zc, v->start, v->end, file, &off, &runs, &e);
	zc->parent_frames = NULL;
	free(frames);

	if (n < 0) {
		qr_error("process %u: area 0x%llx: %s", v->pid,
			 (unsigned long long)v->start, e.msg);
		return -1;
	}
	for (long i = 0; !rc && i < n; i++)
		if (runs[i].kind == QRI_RUN_COPY)
			rc = qr_pages_copy(mem, pg, runs[i].addr,
				       runs[i].addr + runs[i].count * 4096, buf);
	if (n)
		qri_add_page_runs(w, v->pid, v->start, runs, n);
	if (zc->ninherit)
		qri_add_vma_inherit(w, v->pid, v->start, zc->inherit, zc->ninherit);
	free(runs);
	return rc;
}

/* /proc/PID/pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_FILE (1ull << 61)

/* A page of a private file mapping is the process's own once written: an
 * anonymous page then (present and not a file page, or swapped out). */
static int own_page(uint64_t e)
{
	return (e & PM_PRESENT && !(e & PM_FILE)) || e & PM_SWAP;
}

/* The runs of own pages of [start, end) as QRI_VMA_OWN wants them. */
static int capture_own(struct qri_writer *w, int pagemap, pid_t pid,
		       uint64_t start, uint64_t end, uint64_t *buf)
{
	uint64_t pages = (end - start) / 4096, per = CHUNK / sizeof(*buf);
	struct qri_own_run *runs = NULL;
	uint32_t n = 0, cap = 0;

	for (uint64_t p = 0; p < pages; p += per) {
		uint64_t k = pages - p < per ? pages - p : per;
		ssize_t want = k * sizeof(*buf);

		if (pread(pagemap, buf, want, (start / 4096 + p) * sizeof(*buf)) != want) {
			qr_error("process %d: pagemap at 0x%llx: %s", pid,
				 (unsigned long long)(start + p * 4096), strerror(errno));
			free(runs);
			return -1;
		}
		for (uint64_t i = 0; i < k; i++) {
			if (!own_page(buf[i]))
				continue;
			if (n && runs[n - 1].first + runs[n - 1].count == p + i) {
				runs[n - 1].count++;
				continue;
			}
			if (n == cap) {
				struct qri_own_run *r;

				cap = cap ? 2 * cap : 16;
				r = realloc(runs, cap * sizeof(*runs));
				if (!r) {
					free(runs);
					return -1;
				}
				runs = r;
			}
			runs[n++] = (struct qri_own_run) { p + i, 1 };
		}
	}
	qri_add_vma_own(w, pid, start, runs, n);
	free(runs);
	return 0;
}

/* Private anonymous memory other than a stack: what a child may share
 * with its parent (image/image.h: qri_vma_inheritable). */
static bool inheritable(const struct qri_vma *v, bool file)
{
	return !file && v->flags & QRI_VMA_ANON &&
		!(v->flags & (QRI_VMA_SHARED | QRI_VMA_SHMEM | QRI_VMA_SYSV |
			      QRI_VMA_STACK | QRI_VMA_VDSO | QRI_VMA_VVAR));
}

int qr_capture_memory(struct qri_writer *w, struct qr_pages *pg, pid_t pid,
		      pid_t ppid, uint64_t *heap_end, struct qr_zc *zc)
{
	struct qr_parent_mem parent;
	char path[64], *line = NULL;
	size_t cap = 0;
	int mem, pagemap, rc = 0;
	uint8_t *buf = malloc(CHUNK);
	struct qr_advice adv = { 0 };
	FILE *maps;

	*heap_end = 0;
	qr_parent_mem_init(&parent, pg, ppid);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pagemap = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || mem < 0 || pagemap < 0 || !buf || qr_advice_load(pid, &adv)) {
		qr_error("process %d: cannot read its memory: %s", pid, strerror(errno));
		rc = -1;
	}
	while (!rc && getline(&line, &cap, maps) > 0) {
		struct qr_map m;
		struct qr_err e;
		struct qri_vma v = { .pid = pid, .pages_offset = QRI_NO_PAGES };
		const char *why, *file_path;
		bool file;
		int c;

		if (qr_maps_line(line, &m, &e)) {
			qr_error("process %d: %s", pid, e.msg);
			rc = -1;
			break;
		}
		c = qr_map_classify_in(pid, &m, &v.flags, &why);
		if (c < 0) {
			qr_error("process %d: %s at 0x%llx (%s)", pid, why,
				 (unsigned long long)m.start, m.name);
			rc = -1;
			break;
		}
		if (c > 0)
			continue;
		/* A deleted file's pages are all saved (file), the area
		 * restored without it (path NULL). */
		file = m.name[0] == '/';
		file_path = file && !(v.flags & QRI_VMA_ANON) ? m.name : NULL;
		v.start = m.start;
		v.end = m.end;
		v.prot = m.prot;
		v.pgoff = file_path ? m.offset / 4096 : 0;
		v.advice = qr_advice_of(&adv, m.start);
		if (v.flags & QRI_VMA_HEAP)
			*heap_end = m.end;
		if (v.flags & QRI_VMA_SYSV) {
			/* Its contents are the segment's (checkpoint/sysv.c). */
			v.shm_object = m.inode;
			v.pgoff = m.offset / 4096;
			qri_add_vma(w, &v, NULL);
			continue;
		}
		if (v.flags & QRI_VMA_SHMEM) {
			rc = capture_shmem(pg, pid, &m, &v, buf);
			qri_add_vma(w, &v, v.shm_object ? m.name : NULL);
			continue;
		}
		if (zc && qr_map_saves_pages(&m, v.flags) &&
		    !(v.flags & (QRI_VMA_VDSO | QRI_VMA_SHARED))) {
			bool anon = inheritable(&v, file);

			qri_add_vma(w, &v, file_path);
			rc = capture_runs(w, pg, zc, mem, buf, &v, file,
					  anon && qr_inherit_candidate(pg, &parent, m.start, m.end) ?
					  &parent : NULL);
			if (!rc && anon)
				rc = qr_inherit_remember(pg, pid, m.start, m.end);
			continue;
		}
		if (qr_map_saves_pages(&m, v.flags) && inheritable(&v, file)) {
			v.pages_offset = pg->off;
			qri_add_vma(w, &v, NULL);
			rc = qr_inherit_candidate(pg, &parent, m.start, m.end) ?
				qr_pages_copy_inherit(w, pg, &parent, pid, mem,
						      pagemap, m.start, m.end, buf) :
				qr_pages_copy(mem, pg, m.start, m.end, buf);
			if (!rc)
				rc = qr_inherit_remember(pg, pid, m.start, m.end);
			continue;
		}
		if (qr_map_saves_pages(&m, v.flags)) {
			v.pages_offset = pg->off;
			rc = qr_pages_copy(mem, pg, m.start, m.end, buf);
		}
		qri_add_vma(w, &v, file_path);
		if (!rc && file_path && v.pages_offset != QRI_NO_PAGES)
			rc = capture_own(w, pagemap, pid, m.start, m.end,
					 (uint64_t *)buf);
	}
	free(line);
	free(buf);
	qr_parent_mem_close(&parent);
	qr_advice_free(&adv);
	if (maps)
		fclose(maps);
	if (mem >= 0)
		close(mem);
	if (pagemap >= 0)
		close(pagemap);
	return rc;
}
