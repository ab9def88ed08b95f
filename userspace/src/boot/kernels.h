/* Installed kernels and the quickreboot modules built for them. Pure: no
 * I/O; kernels_scan.c fills the list from /boot and /lib/modules. */
#ifndef QR_KERNELS_H
#define QR_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/* The modules of the quickreboot-dkms package (dkms.conf). */
#define QR_N_MODULES 3
extern const char *const qr_module_names[QR_N_MODULES];

struct qr_kernel {
	char *version;			/* "6.1.0-56-amd64" */
	bool image;			/* /boot/vmlinuz-VERSION */
	bool initrd;			/* /boot/initrd.img-VERSION */
	bool headers;			/* /lib/modules/VERSION/build */
	bool module[QR_N_MODULES];	/* /lib/modules/VERSION/updates/dkms/NAME.ko* */
};

struct qr_kernels {
	struct qr_kernel *k;
	size_t n;
};

/* Kernel versions in the order of their upgrades: glibc's strverscmp(),
 * which orders 6.1.0-9 < 6.1.0-10 < 6.12.48+deb12. */
int qr_kver_cmp(const char *a, const char *b);

/* "vmlinuz-6.1.0-56-amd64" -> "6.1.0-56-amd64"; NULL for other names,
 * package leftovers (".dpkg-*", ".rpmsave", ".rpmnew", ".old", ".bak") and
 * names with bytes that a kernel release never holds. */
const char *qr_kver_from_image_name(const char *name);

/* A module file name of module NAME: NAME.ko, NAME.ko.xz, .ko.zst, .ko.gz. */
bool qr_is_module_file(const char *file, const char *name);

/* Finds version, adding it (copied) when absent; NULL when out of memory. */
struct qr_kernel *qr_kernels_get(struct qr_kernels *ks, const char *version);
/* Sorts by qr_kver_cmp, oldest first. */
void qr_kernels_sort(struct qr_kernels *ks);
bool qr_kernel_has_modules(const struct qr_kernel *k);
/* The kernel a quick reboot would enter: the newest with an image, which
 * may be the running one. NULL if none. */
const struct qr_kernel *qr_kernels_target(const struct qr_kernels *ks);
void qr_kernels_free(struct qr_kernels *ks);

#endif
