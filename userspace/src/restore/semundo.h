/* A process's SEM_UNDO adjustments (the image's QRI_SEM_UNDO) given back
 * in the child that becomes it, after the sets are made and their values
 * set (SETALL clears every adjustment of a set). */
#ifndef QR_RESTORE_SEMUNDO_H
#define QR_RESTORE_SEMUNDO_H

#include "image/image.h"

/* The order of one semop(2) pair that leaves value v as it is and
 * records adjustment adj: 1 the SEM_UNDO operation first, 0 the plain
 * one first, -1 neither fits the kernel's bounds (0..QRI_SEM_VMAX). */
int qr_semundo_order(int v, int adj);

/* -1 after printing why (a set gone, a value at its bound). */
int qr_restore_semundo(const struct qri_proc_img *pr);

#endif
