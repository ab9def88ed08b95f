/* See kexec_load_argv.h. */
#include "boot/kexec_load_argv.h"

#include <stddef.h>

void qr_kexec_load_argv(const struct qr_kexec_load *l, char **argv)
{
	size_t n = 0;

	argv[n++] = "kexec";
	argv[n++] = "-l";
	if (l->no_digest)
		argv[n++] = "-i";
	argv[n++] = (char *)l->kernel;
	argv[n++] = (char *)l->append;
	if (l->mem_min && l->mem_max) {
		argv[n++] = (char *)l->mem_min;
		argv[n++] = (char *)l->mem_max;
	}
	if (l->initrd)
		argv[n++] = (char *)l->initrd;
	argv[n] = NULL;
}
