/* What the parts of the image reader share (image/read.c: framing and the
 * first record types; image/read_state.c: per-process kernel state).
 * Internal: users of the image include image.h. */
#ifndef QR_IMAGE_READ_H
#define QR_IMAGE_READ_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

#define QRI_NTYPES (QRI_VMA_INHERIT + 1)
/* The largest fixed part a reader takes. */
#define QRI_FIXED_MAX 2304
_Static_assert(sizeof(struct qri_signals) <= QRI_FIXED_MAX, "QRI_FIXED_MAX");

struct qri_cursor {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	uint32_t index;		/* of the record being read */
	struct qri_image *img;
	struct qr_err *e;
};

extern const char *const qri_type_names[QRI_NTYPES];

#define BAD(c, type, fmt, ...)						\
	qr_err_set((c)->e, "image record %" PRIu32 " (%s): " fmt,	\
		   (c)->index, qri_type_names[type], __VA_ARGS__)

/* A path from the image: 1..QRI_MAX_PATH bytes, absolute, no NUL. */
int qri_take_path(struct qri_cursor *c, int type, const char *what,
		  const uint8_t **tail, size_t *left, uint32_t len, char **out);
int qri_take_blob(struct qri_cursor *c, int type, const char *what,
		  const uint8_t **tail, size_t *left, uint64_t len,
		  uint8_t **out);
/* The process record pid names, which must come before. */
int qri_owner(struct qri_cursor *c, int type, uint32_t pid,
	      struct qri_proc_img **pr);
/* Whether a zombie record names pid. */
bool qri_zombie_listed(const struct qri_image *img, uint32_t pid);
/* Grows *arr by one zeroed element; returns it, NULL without memory. */
void *qri_grow(void **arr, size_t *n, size_t size);

/* Record readers: fixed is the record's fixed part (as long as the
 * reader's struct), tail/left what follows it. */
int qri_read_mm(struct qri_cursor *c, const void *fixed, const uint8_t *tail,
		size_t left);
int qri_read_signals(struct qri_cursor *c, const void *fixed,
		     const uint8_t *tail, size_t left);
int qri_read_timers(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left);
int qri_read_rlimits(struct qri_cursor *c, const void *fixed,
		     const uint8_t *tail, size_t left);
int qri_read_page_runs(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left);
/* Every frame of the image into img->frames, sorted; a frame listed twice
 * is refused. */
int qri_collect_frames(struct qri_image *img, struct qr_err *e);
int qri_read_thread_signals(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left);
int qri_read_thread_restart(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left);
int qri_read_clocks(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left);
int qri_read_mount(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left);
int qri_read_mount_entry(struct qri_cursor *c, const void *fixed,
			 const uint8_t *tail, size_t left);
int qri_read_proc_mntns(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left);
void qri_free_mounts(struct qri_image *img);
/* A file of a tree restore makes (a mount's, or /run's) against those
 * before it in list: type, mode, owner, size, a clean relative path
 * after its directory, the root first and only once. */
int qri_check_tree_entry(struct qri_cursor *c, int type,
			 const struct qri_mount_entry_img *list, size_t n,
			 const struct qri_mount_entry_img *en);
int qri_read_run_mount(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left);
int qri_read_run_entry(struct qri_cursor *c, const void *fixed,
		       const uint8_t *tail, size_t left);
void qri_free_runs(struct qri_image *img);
int qri_read_proof(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left);
int qri_read_seal(struct qri_cursor *c, const void *fixed,
		  const uint8_t *tail, size_t left);
int qri_read_creds(struct qri_cursor *c, const void *fixed,
		   const uint8_t *tail, size_t left);
int qri_read_proc_attrs(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left);
int qri_read_thread_sched(struct qri_cursor *c, const void *fixed,
			  const uint8_t *tail, size_t left);
int qri_read_sysv_shm(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left);
int qri_read_sysv_sem(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left);
int qri_read_sysv_msg(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left);
int qri_read_sem_undo(struct qri_cursor *c, const void *fixed,
		      const uint8_t *tail, size_t left);
int qri_read_sysv_users(struct qri_cursor *c, const void *fixed,
			const uint8_t *tail, size_t left);
void qri_free_sysv(struct qri_image *img);
int qri_read_seccomp_filter(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left);
int qri_read_thread_seccomp(struct qri_cursor *c, const void *fixed,
			    const uint8_t *tail, size_t left);
int qri_read_vma_inherit(struct qri_cursor *c, const void *fixed,
			 const uint8_t *tail, size_t left);
int qri_read_zombie(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left);

#endif
