/* What `restore --boot` waits for before it restores. quickreboot-
 * restore.service is ordered after the root's remount only, not after all
 * of local-fs.target (udev's coldplug, every disk's fsck and mount: 5 s of
 * the Debian guest's boot, issue 19). Restore reads the image first and
 * waits only when it must:
 *   - local-fs.target, if a path the kept processes use (executable,
 *     mapped files, files, working and root directories) lies under a
 *     mount unit systemd has loaded and not yet mounted (/var on its own
 *     disk);
 *   - systemd-tmpfiles-setup.service (itself after local-fs.target), if
 *     such a path lies in /tmp or /var/tmp, or a process has a mount
 *     namespace of its own: restore makes PrivateTmp's directory again,
 *     which the boot's tmpfiles would empty afterwards.
 * Both are waited for by `systemctl start`, bounded (a local mount that
 * needed the network, which comes after restore, would wait forever);
 * if systemd cannot say which mounts are pending, both. */
#ifndef QR_BOOT_WAIT_H
#define QR_BOOT_WAIT_H

#include "image/image.h"

#define QR_WAIT_LOCAL_FS 0x1
#define QR_WAIT_TMPFILES 0x2
#define QR_WAIT_TIMEOUT_S 1200

/* Pure: QR_WAIT_* for the image, given the text of `systemctl show -p Id
 * -p Where -p ActiveState '*.mount'` (blank lines between units; NULL:
 * unknown, wait for both). */
unsigned int qr_boot_wait_needs(const struct qri_image *img, const char *mounts);

/* Asks systemd and waits; the image's processes are not touched. */
void qr_boot_wait(const struct qri_image *img, void *arg);

#endif
