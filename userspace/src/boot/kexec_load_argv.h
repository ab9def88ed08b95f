/* The kexec -l command line of a quick reboot. */
#ifndef QR_KEXEC_LOAD_ARGV_H
#define QR_KEXEC_LOAD_ARGV_H

#include <stdbool.h>

struct qr_kexec_load {
	const char *kernel;
	const char *append;	/* "--append=..." */
	const char *initrd;	/* "--initrd=...", or NULL */
	/* "--mem-min=..." and "--mem-max=...": the segments in the boot
	 * area (zero copy); or NULL */
	const char *mem_min, *mem_max;
	/* kexec -i: purgatory jumps to the New kernel without checking the
	 * SHA-256 of what was loaded */
	bool no_digest;
};

/* Slots qr_kexec_load_argv() fills at most, its NULL included. */
#define QR_KEXEC_LOAD_ARGC 9

/* Fills argv (QR_KEXEC_LOAD_ARGC slots) with kexec's arguments, NULL
 * terminated. */
void qr_kexec_load_argv(const struct qr_kexec_load *l, char **argv);

#endif
