/* Loading the New kernel for a quick reboot: before the freeze (not
 * downtime), and once more after the checkpoint if what it kept needs it.
 * Each returns a QR_EXIT_* code, having printed why it failed. */
#ifndef QR_LOAD_H
#define QR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/spans.h"

/* What kexec loads, the command line apart. */
struct qr_kernel_files {
	const char *kernel, *initrd;
	bool no_digest;
};

/* kexec -l with the command line `quickreboot cmdline --append append`
 * would print (want: QR_WANT_*); *zero_copy says which mode it was
 * loaded for. first_block: pageblocks to hide from it, or NULL. */
int qr_load_kernel(const struct qr_kernel_files *kf, const char *append,
		   int want, const struct qr_spans *first_block,
		   bool *zero_copy);

/* The caller's parameters, the keep token, the PID floor (pid_floor.h)
 * and units (quickreboot.units=..., adopt_units.h; may be NULL); NULL if
 * out of memory. */
char *qr_new_append(const char *append, const char *token, long pid_max,
		    long floor, const char *units);

/*
 * The New kernel was loaded before the freeze, with the last PID handed
 * out then as its floor. It is loaded again, once, if the frozen processes
 * made children or threads above the floor since (their highest ID is the
 * new floor), or if the checkpoint kept pages in the first memory block,
 * whose pageblocks it must then not use (first_block.h).
 */
int qr_load_again(char **full_append, const char *append,
		  const char *token, const char *units, long pid_max, long floor,
		  const pid_t *pids, size_t npids,
		  const struct qr_kernel_files *kf, const char *dir,
		  bool zero_copy);

#endif
