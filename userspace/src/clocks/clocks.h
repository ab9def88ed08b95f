/* The kept processes' clocks, both directions: at the checkpoint
 * (capture.c), in the image (record.c: QRI_CLOCKS) and at restore
 * (restore.c), with the time namespace's offsets (timens.h). */
#ifndef QR_CLOCKS_H
#define QR_CLOCKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "image/image.h"

/* Refuses (one line each, returns how many) a process whose children get
 * another time namespace than its own. *shared: the processes share one,
 * so their clocks can go on (else a note says they start again; a record
 * per namespace would keep them all). */
int qr_clocks_check(const pid_t *pids, int n, bool *shared);

/* The clocks of pid's time namespace and CLOCK_REALTIME, now (QRI_CLOCKS):
 * once per image, before the processes. */
int qr_capture_clocks(struct qri_writer *w, pid_t pid);

/* At restore: this command and the processes it creates from now on go
 * to a new time namespace where the clocks of k go on (k: the image's
 * QRI_CLOCKS). Returns what qr_clocks_leave takes, -1 when there is none
 * (no k, or said why: the clocks then start again with this kernel's). */
int qr_clocks_enter(const struct qri_clocks *k);

/* Later children are in this command's namespace again. */
void qr_clocks_leave(int back);

#endif
