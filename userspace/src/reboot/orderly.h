/* The orderly quick reboot under systemd: the rest of the system is shut
 * down as `systemctl kexec` does it, the kept units spared.
 *   1. `reboot` (once the image is committed and the shelter unmounted)
 *      writes each kept unit a runtime drop-in, DefaultDependencies=no:
 *      no Conflicts=shutdown.target, hence no stop job (the kexec
 *      transaction stops units by that conflict; it does not isolate).
 *      Kept processes of no kept unit move to a cgroup no unit owns, out
 *      of their units' stop. It lists every kept PID in QR_KEPT_PIDS,
 *      reloads systemd and queues quickreboot-kexec.target irreversibly,
 *      as `systemctl kexec` queues kexec.target.
 *   2. systemd stops every other unit in order (ExecStop=, the journal
 *      out of /var, mount units unmounted), then runs
 *      quickreboot-kexec.service: `reboot --finish` (qr_reboot_finish()),
 *      systemd-shutdown's part without its wait for processes no signal
 *      can end.
 * Where systemd is not PID 1, `reboot` kexecs at once, as before. */
#ifndef QR_ORDERLY_H
#define QR_ORDERLY_H

#include <stdbool.h>

#include "reboot/keep_plan.h"

#define QR_KEPT_PIDS "/run/quickreboot/kept-pids"
#define QR_SPARE_DROPIN "zz-quickreboot-spare.conf"
#define QR_KEXEC_TARGET "quickreboot-kexec.target"
#define QR_KEPT_CGROUP "/quickreboot-kept"

/* sd_booted(3): systemd is PID 1. */
bool qr_systemd_booted(void);

/* Step 1. Returns only on failure (QR_EXIT_FAIL, after printing why),
 * with the drop-ins removed again: nothing was queued. */
int qr_orderly_kexec(const struct qr_keep_plan *p);

/* Step 2, the final one: spares the PIDs of QR_KEPT_PIDS. Returns only on
 * failure, the kept processes thawed. */
int qr_reboot_finish(void);

#endif
