/* See flock_orphans.h. */
#include <signal.h>
#include <stdlib.h>

#include "fds/locks.h"
#include "lib/exit.h"
#include "restore/flock_orphans.h"

static bool holds(const struct qri_proc_img *pr, size_t file)
{
	for (size_t j = 0; j < pr->nfds; j++)
		if (pr->fds[j].file == file)
			return true;
	return false;
}

/* The processes still to run that share file: failed. Whether any. */
static bool fail_sharers(struct qr_restore_ctx *c, size_t file, bool *bad)
{
	const struct qri_image *img = c->img;
	bool any = false;

	for (size_t k = 0; k < img->nprocs; k++) {
		if (bad[k] || qr_restore_made(c, k) || !holds(&img->procs[k], file))
			continue;
		qr_error("restore: pid %u (%s): fails too: it shares %s, whose flock is lost",
			 qr_restore_pid(c, k), qr_restore_comm(c, k),
			 img->files[file].path);
		/* Reported and waiting to go: it never runs. */
		kill(qr_restore_pid(c, k), SIGKILL);
		bad[k] = true;
		any = true;
	}
	return any;
}

void qr_restore_flock_orphans(struct qr_restore_ctx *c, bool *bad)
{
	const struct qri_image *img = c->img;
	bool *done = calloc(img->nprocs + 1, sizeof(*done)), again = true;

	if (!done) {
		qr_error("restore: flocks of failed processes: out of memory");
		return;
	}
	while (again) {
		again = false;
		for (size_t i = 0; i < img->nprocs; i++) {
			const struct qri_proc_img *pr = &img->procs[i];

			if (!bad[i] || done[i])
				continue;
			done[i] = true;
			for (size_t j = 0; j < pr->nfds; j++) {
				size_t f = pr->fds[j].file;

				if (qr_locks_retake(&c->files, &img->files[f],
						    pr->p.pid))
					again |= fail_sharers(c, f, bad);
			}
		}
	}
	free(done);
}
