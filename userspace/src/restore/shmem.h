/* Shared memory at restore: each object (QRI_VMA_SHMEM) made once in
 * quickreboot restore, before any process, filled from the pages file
 * and held as an fd of its shmem file; every process maps its areas of it
 * from there, so that they share it again. Anonymous objects are made
 * anonymous again, memfds and /dev/shm files with their names. */
#ifndef QR_RESTORE_SHMEM_H
#define QR_RESTORE_SHMEM_H

#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

struct qr_shmem {
	uint64_t *off;		/* each object's place in the pages file */
	int *fd;
	size_t n;
};

struct qr_files;

/* Makes every object of the image of t (the files made already: a memfd
 * or /dev/shm file an fd holds too is that fd's file), its fd at `above`
 * or higher; -1 having printed why (nothing held). */
int qr_shmem_make(struct qr_shmem *s, struct qr_files *t, const char *dir,
		  unsigned int above);
void qr_shmem_close(struct qr_shmem *s);

/* A new fd of the object saved at pages_offset (for the restorer to map
 * and close), or -1 having printed why. */
int qr_shmem_open(const struct qr_shmem *s, uint64_t pages_offset);

#endif
