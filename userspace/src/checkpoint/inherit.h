/* Pages a process shares copy-on-write with its parent since a fork,
 * found at checkpoint (image/format.h: QRI_VMA_INHERIT). A forking
 * server's children share most of their memory with it; saved and
 * restored once per process, that memory would double after a quick
 * reboot. A page is the parent's when, in a private anonymous area both
 * have at the same place, /proc/PID/pagemap shows the same frame in both
 * and its contents read the same through /proc/PID/mem: the frame alone
 * could change between the two reads (compaction moves pages of frozen
 * processes too), the contents then prove that taking the parent's page
 * is right. Such a page is not saved again (copy mode: a hole in the pages
 * file; zero copy: in no page run); restore/premap.h shares it again. */
#ifndef QR_CHECKPOINT_INHERIT_H
#define QR_CHECKPOINT_INHERIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint/capture.h"

/* The parent's files, opened at the first area that needs them. */
struct qr_parent_mem {
	pid_t pid;		/* 0: the parent is not a kept process */
	int mem, pagemap;	/* -1 until opened */
	uint8_t *buf;		/* 1 MiB of its memory, NULL until needed */
};

void qr_parent_mem_init(struct qr_parent_mem *pm, const struct qr_pages *pg,
			pid_t ppid);
void qr_parent_mem_close(struct qr_parent_mem *pm);

/* Whether area [start, end) of a private anonymous area of pid may
 * share pages with the parent: the parent saved one at the same place. */
bool qr_inherit_candidate(const struct qr_pages *pg,
			  const struct qr_parent_mem *pm, uint64_t start,
			  uint64_t end);

/* Remembers a private anonymous area of pid saved, for its children. */
int qr_inherit_remember(struct qr_pages *pg, pid_t pid, uint64_t start,
			uint64_t end);

/* Zero copy: the parent's frame at each page of [start, end) (0: none),
 * malloc'd; NULL having printed why. */
uint64_t *qr_parent_frames(struct qr_parent_mem *pm, uint64_t start,
			   uint64_t end);

/* Copy mode: [start, end) of pid (its mem and pagemap) into the pages
 * file, the pages shared with the parent left as holes and listed in a
 * QRI_VMA_INHERIT record. buf: 1 MiB. -1 having printed why. */
int qr_pages_copy_inherit(struct qri_writer *w, struct qr_pages *pg,
			  struct qr_parent_mem *pm, pid_t pid, int mem,
			  int pagemap, uint64_t start, uint64_t end,
			  uint8_t *buf);

#endif
