/* See restore/shmem.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/exit.h"
#include "fds/kind.h"
#include "restore/shmem.h"

/* One object: a shared anonymous mapping filled from pages, its shmem
 * file taken through /proc/self/map_files (which keeps it anonymous:
 * its areas show as /dev/zero again), the mapping dropped. */
static int make_one(int pages, uint64_t off, uint64_t size, unsigned int above)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char path[96];
	int fd = -1, held = -1;

	if (p == MAP_FAILED)
		return -1;
	for (uint64_t done = 0; done < size;) {
		ssize_t r = pread(pages, p + done, size - done, off + done);

		if (r <= 0) {
			errno = r ? errno : EIO;
			goto out;
		}
		done += r;
	}
	snprintf(path, sizeof(path), "/proc/self/map_files/%llx-%llx",
		 (unsigned long long)(uintptr_t)p,
		 (unsigned long long)(uintptr_t)p + size);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		held = fcntl(fd, F_DUPFD_CLOEXEC, above);
out:
	if (fd >= 0)
		close(fd);
	munmap(p, size);
	return held;
}

/* The file of a memfd or /dev/shm object made again, empty: an fd's
 * file of it made already (fds/, same object), or a new one by name. */
static int named_file(struct qr_files *t, const struct qri_vma_img *vi)
{
	const struct qri_image *img = qr_files_image(t);
	const struct qri_vma *v = &vi->v;
	const char *p = vi->path;
	size_t n = strlen(p), del = strlen(" (deleted)");
	bool deleted = n > del && !strcmp(p + n - del, " (deleted)");
	char name[QRI_MAX_PATH + 1];
	int fd;

	for (size_t i = 0; i < img->nfiles; i++) {
		const struct qri_file *f = &img->files[i].f;

		if (f->object != v->shm_object || (f->kind != QRI_FD_MEMFD &&
		    f->kind != QRI_FD_FILE && f->kind != QRI_FD_GHOST))
			continue;
		fd = qr_files_get(t, f->id);
		if (fd < 0)
			return -1;
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		return open(name, O_RDWR | O_CLOEXEC);
	}
	if (!strncmp(p, "/memfd:", 7)) {
		snprintf(name, sizeof(name), "%.*s", (int)(n - 7 - del), p + 7);
		/* Without MFD_ALLOW_SEALING a memfd has F_SEAL_SEAL alone. */
		return memfd_create(name, MFD_CLOEXEC | (v->shm_seals == F_SEAL_SEAL ?
							  0 : MFD_ALLOW_SEALING));
	}
	if (deleted)
		return open("/dev/shm", O_TMPFILE | O_RDWR | O_CLOEXEC, v->shm_mode);
	/* The New boot's /dev/shm is empty: a file there is someone else's. */
	return open(p, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    v->shm_mode);
}

/* A memfd or /dev/shm object: its file, size, contents, owner, mode and
 * seals (those last: they may forbid the rest). */
static int make_named(struct qr_files *t, const struct qri_vma_img *vi,
		      int pages, unsigned int above)
{
	const struct qri_vma *v = &vi->v;
	static uint8_t buf[1 << 16];
	int fd = named_file(t, vi), held = -1, cur;

	if (fd < 0) {
		qr_error("restore: %s: not made again: %s", vi->path, strerror(errno));
		return -1;
	}
	cur = fcntl(fd, F_GET_SEALS);
	if (cur < 0 || !(cur & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) {
		if (ftruncate(fd, v->shm_bytes))
			goto out;
		for (uint64_t done = 0; done < v->shm_bytes;) {
			size_t want = v->shm_bytes - done < sizeof(buf) ?
				v->shm_bytes - done : sizeof(buf);
			ssize_t r = pread(pages, buf, want, v->pages_offset + done);

			if (r <= 0 || pwrite(fd, buf, r, done) != r) {
				errno = r ? errno : EIO;
				goto out;
			}
			done += r;
		}
	}
	if (fchown(fd, v->shm_uid, v->shm_gid) || fchmod(fd, v->shm_mode) ||
	    (v->shm_seals & ~cur && v->shm_seals != F_SEAL_SEAL &&
	     fcntl(fd, F_ADD_SEALS, v->shm_seals & ~cur)))
		goto out;
	held = fcntl(fd, F_DUPFD_CLOEXEC, above);
out:
	if (held < 0)
		qr_error("restore: %s: contents, owner, mode or seals 0x%x not set again: %s",
			 vi->path, v->shm_seals, strerror(errno));
	close(fd);
	return held;
}

int qr_shmem_make(struct qr_shmem *s, struct qr_files *t, const char *dir,
		  unsigned int above)
{
	const struct qri_image *img = qr_files_image(t);
	char path[4096];
	int pages = -1;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++) {
			const struct qri_vma_img *vi = &img->procs[i].vmas[j];
			const struct qri_vma *v = &vi->v;
			size_t k = 0;
			void *o, *f;

			if (!(v->flags & QRI_VMA_SHMEM))
				continue;
			while (k < s->n && s->off[k] != v->pages_offset)
				k++;
			if (k < s->n)
				continue;
			o = realloc(s->off, (s->n + 1) * sizeof(*s->off));
			if (o)
				s->off = o;
			f = realloc(s->fd, (s->n + 1) * sizeof(*s->fd));
			if (f)
				s->fd = f;
			if (!o || !f)
				goto fail;
			if (pages < 0) {
				snprintf(path, sizeof(path), "%s/pages", dir);
				pages = open(path, O_RDONLY | O_CLOEXEC);
				if (pages < 0)
					goto fail;
			}
			s->off[s->n] = v->pages_offset;
			s->fd[s->n] = vi->path ? make_named(t, vi, pages, above) :
				make_one(pages, v->pages_offset, v->shm_size, above);
			if (s->fd[s->n++] < 0)
				goto fail;
		}
	if (pages >= 0)
		close(pages);
	return 0;
fail:
	qr_error("restore: shared memory (%zu objects made): %s", s->n,
		 strerror(errno));
	if (pages >= 0)
		close(pages);
	qr_shmem_close(s);
	return -1;
}

void qr_shmem_close(struct qr_shmem *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	free(s->off);
	free(s->fd);
	memset(s, 0, sizeof(*s));
}

int qr_shmem_open(const struct qr_shmem *s, uint64_t pages_offset)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->off[i] == pages_offset) {
			int fd = fcntl(s->fd[i], F_DUPFD_CLOEXEC, 0);

			if (fd < 0)
				qr_error("restore: shared memory: %s", strerror(errno));
			return fd;
		}
	qr_error("restore: no shared memory saved at %llu",
		 (unsigned long long)pages_offset);
	return -1;
}
