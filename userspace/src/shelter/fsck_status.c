/* fsck exit status decoding. */
#include "shelter/fsck_status.h"

#include <stdio.h>
#include <string.h>

static const char *const bit_names[] = {
	"errors corrected",
	"system should be rebooted",
	"errors left uncorrected",
	"operational error",
	"usage or syntax error",
	"cancelled by user request",
	"unknown status bit 64",
	"shared-library error",
};

const char *qr_fsck_status_text(int status, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 8; bit++) {
		if (!(status & (1 << bit)))
			continue;
		snprintf(buf + len, size - len, "%s%s", len ? "; " : "", bit_names[bit]);
		len = strlen(buf);
	}
	if (!len)
		snprintf(buf, size, "no errors");
	return buf;
}
