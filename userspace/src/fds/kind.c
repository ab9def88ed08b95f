/* The table of fd kinds (kind.h). */
#include "fds/kind.h"

#include <stddef.h>

static const struct qr_fd_kind *const kinds[] = {
	&qr_fd_file,
	&qr_fd_dir,
	&qr_fd_chardev,
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const struct qr_fd_kind *qr_fd_kind(uint32_t kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i]->kind == kind)
			return kinds[i];
	return NULL;
}

const struct qr_fd_kind *qr_fd_kind_match(const char *link,
					  const struct stat *st)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i]->match(link, st))
			return kinds[i];
	return NULL;
}
