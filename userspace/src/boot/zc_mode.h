/* Whether the New kernel can adopt preserved frames (zero copy) or must
 * copy them. Pure: no I/O.
 *
 * The restore module calls kernel functions that are not exported; on a
 * kernel built with IBT they are sealed (no ENDBR), and an indirect call
 * to them traps where the CPU enforces IBT. The module then falls back to
 * copy mode itself; predicting it here lets "quickreboot cmdline" choose
 * copy mode ahead (no confinement, nothing to hand back). */
#ifndef QR_ZC_MODE_H
#define QR_ZC_MODE_H

/* cpuinfo: /proc/cpuinfo; config: the New kernel's /boot/config-VER or
 * NULL; cmdline: its command line. Returns why zero copy cannot run, or
 * NULL when it can. */
const char *qr_zc_blocker(const char *cpuinfo, const char *config,
			  const char *cmdline);

#endif
