/* Running a helper program (mkfs.ext4, fsck.ext4) without a shell. */
#ifndef QR_RUN_H
#define QR_RUN_H

#include <stddef.h>

/* Runs argv[0] found on PATH (the sbin directories when PATH is unset, as
 * in a bare initramfs) with its stdout sent to our stderr, so that our
 * stdout carries only our own results. Returns the exit status (0-255),
 * 127 when it could not be started, or 128+N when killed by signal N;
 * failures to start are reported on stderr. */
int qr_run(char *const argv[]);

/* As qr_run(), with the program's stdout captured into out (size bytes,
 * NUL-terminated, truncated if longer) instead. */
int qr_run_output(char *const argv[], char *out, size_t size);

#endif
