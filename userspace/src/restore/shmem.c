/* See restore/shmem.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/exit.h"
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

int qr_shmem_make(struct qr_shmem *s, const struct qri_image *img,
		  const char *dir, unsigned int above)
{
	char path[4096];
	int pages = -1;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++) {
			const struct qri_vma *v = &img->procs[i].vmas[j].v;
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
			s->fd[s->n] = make_one(pages, v->pages_offset,
					       v->shm_size, above);
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
