/* The image reader's zombie record (image/format.h, QRI_ZOMBIE): a child
 * that had exited, of a process in the image, with a status an exit could
 * have left. */
#include <stdbool.h>
#include <string.h>

#include "image/read.h"

bool qri_zombie_listed(const struct qri_image *img, uint32_t pid)
{
	for (size_t i = 0; i < img->nzombies; i++)
		if (img->zombies[i].pid == pid)
			return true;
	return false;
}

/* An exit (code << 8) or a death by a signal (with the core flag). */
static bool wait_status(uint32_t st)
{
	uint32_t sig = st & 0x7f;

	if (sig == 0)
		return st <= 0xff00 && !(st & 0xff);
	return st <= 0xff && sig <= QRI_NSIG;
}

int qri_read_zombie(struct qri_cursor *c, const void *fixed,
		    const uint8_t *tail, size_t left)
{
	struct qri_proc_img *parent;
	struct qri_zombie z, *slot;

	(void)tail;
	memcpy(&z, fixed, sizeof(z));
	if (z.pid == 0 || z.pid >= QRI_PID_MAX || z.pgid >= QRI_PID_MAX ||
	    z.sid >= QRI_PID_MAX)
		return BAD(c, QRI_ZOMBIE, "pid %" PRIu32 ": ids out of range", z.pid);
	if (qri_owner(c, QRI_ZOMBIE, z.ppid, &parent))
		return -1;
	for (size_t i = 0; i < c->img->nprocs; i++)
		if (c->img->procs[i].p.pid == z.pid)
			return BAD(c, QRI_ZOMBIE, "pid %" PRIu32 " is listed twice", z.pid);
	if (qri_zombie_listed(c->img, z.pid))
		return BAD(c, QRI_ZOMBIE, "pid %" PRIu32 " is listed twice", z.pid);
	if (left || !wait_status(z.status) || z.comm[sizeof(z.comm) - 1])
		return BAD(c, QRI_ZOMBIE, "pid %" PRIu32 ": status 0x%" PRIx32 " or name is not one an exited process has",
			   z.pid, z.status);
	slot = qri_grow((void **)&c->img->zombies, &c->img->nzombies, sizeof(*slot));
	if (!slot)
		return qr_err_set(c->e, "out of memory");
	*slot = z;
	return 0;
}
