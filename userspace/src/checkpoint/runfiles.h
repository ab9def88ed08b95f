/* The kept units' and processes' files under /run, which the reboot
 * empties (userspace/README.md, "Files under /run"). */
#ifndef QR_CHECKPOINT_RUNFILES_H
#define QR_CHECKPOINT_RUNFILES_H

#include <stddef.h>
#include <sys/types.h>

#include "image/image.h"

/* A file or tree to carry: what a unit names (PIDFile=,
 * RuntimeDirectory=) or `--keep-run PATH` gives. */
struct qr_run_named {
	char *who;	/* how messages name it: "nginx.service: PIDFile=" */
	char *path;	/* absolute */
};

struct qr_run_list {
	struct qr_run_named *v;
	size_t n;
};

/* Adds who + path (both copied): 0, or -1 without memory. */
int qr_run_list_add(struct qr_run_list *l, const char *who, const char *path);
void qr_run_list_free(struct qr_run_list *l);

/* With w NULL: prints what of named and of the files the processes hold
 * under /run cannot be carried, returns how many; else also writes the
 * records (before the processes). Paths not on a tmpfs at /run or below
 * it, or missing, are nothing to carry. -1: the mounts are unreadable,
 * said. */
int qr_runfiles_capture(struct qri_writer *w, const struct qr_run_list *named,
			const pid_t *pids, int n);

#endif
