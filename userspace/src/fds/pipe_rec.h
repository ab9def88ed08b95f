/* What a pipe's or FIFO's file record holds beyond the generic fields, and
 * which of the files of one pipe makes it at restore. */
#ifndef QR_FD_PIPE_REC_H
#define QR_FD_PIPE_REC_H

#include <stdint.h>

#include "image/image.h"
#include "lib/err.h"

/* The kind's data (little-endian), then queue_len bytes: what was queued
 * in the pipe, oldest first, when the file carries the queue. */
struct qr_pipe_rec {
	uint32_t size;		/* F_GETPIPE_SZ: a power of two pages */
	uint32_t flags;		/* QR_PIPE_* */
	uint32_t queue_len;	/* at most size */
	uint32_t pad;
};

/* The queue was read through this file (it could read it): of the files
 * of one pipe, the first that carries it makes the pipe and refills it. */
#define QR_PIPE_QUEUE 0x1

#define QR_PIPE_MIN_SIZE 4096u
#define QR_PIPE_MAX_SIZE (1u << 30)

/* The image reader's check of a pipe's or FIFO's file (untrusted): an
 * access mode, and data that is a record with its queue. 0, or -1 with e
 * saying what is wrong. */
int qr_pipe_valid(const struct qri_file_img *f, struct qr_err *e);

/* The record of f (checked by qr_pipe_valid) in *r, its queue in *queue. */
void qr_pipe_rec(const struct qri_file_img *f, struct qr_pipe_rec *r,
		 const uint8_t **queue);

/* The file that makes f's pipe: of the files of img with f's kind and
 * object (and path, for FIFOs), the first that carries the queue, else
 * the first. */
const struct qri_file_img *qr_pipe_maker(const struct qri_image *img,
					 const struct qri_file_img *f);

/* The file of maker's pipe that takes the other end of pipe(2) made for
 * maker, read or write, if any: the first of the other access mode. */
const struct qri_file_img *qr_pipe_peer(const struct qri_image *img,
					const struct qri_file_img *maker);

#endif
