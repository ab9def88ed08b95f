/* The shelter's stages: module, filesystem, mount. Each returns a
 * QR_EXIT_* code, having printed why it failed; commands (cmd/shelter_*.c)
 * and the stages that need a shelter (shelter/ready.c) call them alike. */
#ifndef QR_SHELTER_H
#define QR_SHELTER_H

#include <stdbool.h>

struct qr_shelter_load_opts {
	const char *region;	/* SIZE@ADDR; NULL: from /proc/cmdline */
	bool format;		/* let the module initialise a fresh shelter */
};

/* Loads the shelter module over the shelter, checked against /proc/iomem. */
int qr_shelter_load(const struct qr_shelter_load_opts *o);

/* Makes the shelter's ext4 filesystem on device. */
int qr_shelter_mkfs(const char *device);

struct qr_shelter_mount_opts {
	const char *device;	/* NULL: QR_SHELTER_DEVICE */
	const char *dir;	/* NULL: QR_SHELTER_MOUNTPOINT */
};

/* fsck.ext4 -f -n, then mounts; a filesystem with errors is left alone. */
int qr_shelter_mount(const struct qr_shelter_mount_opts *o);

/* Unmounts dir (NULL: QR_SHELTER_MOUNTPOINT). */
int qr_shelter_umount(const char *dir);

#endif
