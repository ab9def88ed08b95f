/* A process's seccomp filters, planned for the restorer blob, which
 * installs them in each thread (restore/seccomp.c). */
#ifndef QR_RESTORE_SECCOMP_H
#define QR_RESTORE_SECCOMP_H

#include <stdint.h>

#include "image/image.h"
#include "restorer/restorer.h"

/* The room the plan takes in the blob's arguments. */
uint64_t qr_restore_seccomp_len(const struct qri_proc_img *pr);

/* Each thread's chain (a->threads[].tid set), oldest first: the entries
 * and the programs into room, qr_restore_seccomp_len bytes. Returns -1
 * after printing why. */
int qr_restore_plan_seccomp(struct qr_rst_args *a, uint8_t *room,
			    const struct qri_proc_img *pr);

#endif
