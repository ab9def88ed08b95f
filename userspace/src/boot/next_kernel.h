/* The New kernel's command line and where kexec may place it, from the
 * running system: what "quickreboot cmdline" prints and "reboot" loads. */
#ifndef QR_NEXT_KERNEL_H
#define QR_NEXT_KERNEL_H

#include <stdbool.h>

#include "lib/spans.h"

enum qr_mode_want { QR_WANT_AUTO, QR_WANT_ZERO_COPY, QR_WANT_COPY };

struct qr_next_kernel {
	char *line;		/* malloc'd */
	bool zero_copy;		/* confined to boot (kexec segments there too) */
	bool has_boot;		/* a boot area exists */
	struct qr_span boot;
};

/* current: NULL for /proc/cmdline; release: the New kernel's version for
 * its /boot/config-VER (NULL: unknown); first_block: pageblocks holding
 * kept pages to hide too (first_block.h; NULL or empty: none), which need
 * zero copy. Reports on stderr, returns a QR_EXIT_* code. */
int qr_next_kernel(const char *current, const char *append,
		   enum qr_mode_want want, const char *release,
		   const struct qr_spans *first_block,
		   struct qr_next_kernel *out);

/* "zero-copy", "copy" or "auto"; -1 for anything else. */
int qr_parse_mode(const char *s);

#endif
