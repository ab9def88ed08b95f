/* How a service kept by a quick reboot gets its restored processes back
 * (quickreboot(8), SYSTEMD):
 *   0. quickreboot-generator (adopt_gen.c), before systemd first loads its
 *      units, gives each unit that the command line names
 *      (quickreboot.units=, adopt_units.h) a drop-in (qr_adopt_dropin())
 *      that turns the unit's next start into `quickreboot adopt UNIT`,
 *      after the restore unit.
 *   1. `restore --boot` (quickreboot-restore.service, before sysinit.target)
 *      restores the processes; they wait in its cgroup, each kept unit's
 *      frozen in a child cgroup (qr_adopt_hold()). For each kept unit
 *      whose processes all came back it writes the unit's keep record to
 *      QR_ADOPT_DIR/UNIT, and the drop-in into QR_RUNTIME_UNIT_DIR if the
 *      generator wrote none. Then QR_ADOPT_DECIDED: from there on the
 *      generator keeps only the drop-ins of units with a record. systemd
 *      is reloaded only if that changes anything: a drop-in written here,
 *      or a generated one of a unit that starts normally after all.
 *   2. The unit starts as usual, in order: `adopt` moves the processes into
 *      the unit's cgroup and tells systemd (sd_notify MAINPID=, READY=1)
 *      that the restored main process is the unit's main process.
 *   3. quickreboot-adopted.service (`adopt --finish`), after those units,
 *      removes the drop-ins and reloads systemd, so that every unit is its
 *      own unmodified self again (a later restart starts it normally); a
 *      unit that is not active with its restored main process has its
 *      leftovers killed and is started normally. */
#ifndef QR_ADOPT_H
#define QR_ADOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/strbuf.h"

#define QR_ADOPT_DIR "/run/quickreboot/adopt"
/* Restore has decided which units adopt (their records are written). */
#define QR_ADOPT_DECIDED "/run/quickreboot/adopt.decided"
#define QR_RUNTIME_UNIT_DIR "/run/systemd/system"
#define QR_GENERATOR_DIR "/run/systemd/generator"
/* Drop-ins of all directories apply in the order of their file names:
 * "zz-" comes after an administrator's override.conf, which would
 * otherwise replace our ExecStart=. */
#define QR_DROPIN_NAME "zz-quickreboot-adopt.conf"
#define QR_RESTORE_UNIT "quickreboot-restore.service"
#define QR_ADOPTED_UNIT "quickreboot-adopted.service"
#define QR_CGROUP_ROOT "/sys/fs/cgroup"

/* The drop-in's text; exe is the quickreboot binary. */
void qr_adopt_dropin(const char *exe, struct qr_strbuf *b);

/* The drop-in's files (adopt_files.c). The quickreboot binary's path
 * into exe: false if it is unusable in a unit file. */
bool qr_adopt_exe(char *exe, size_t size);
/* DIR/UNIT.d, or with file DIR/UNIT.d/QR_DROPIN_NAME. */
void qr_adopt_dropin_path(char *out, size_t size, const char *dir,
			  const char *unit, bool file);
/* Writes text as the unit's drop-in in dir: 0, or -1 after printing why
 * (then no file is left). */
int qr_adopt_dropin_write(const char *dir, const char *unit, const char *text);
/* Whether the generator wrote the unit's drop-in. */
bool qr_adopt_generated(const char *unit);
/* Whether restore recorded the unit's processes as waiting (QR_ADOPT_DIR). */
bool qr_adopt_recorded(const char *unit);
/* The units with a generated drop-in (malloc'd names): how many. */
size_t qr_adopt_generated_units(char ***units);
void qr_adopt_units_list_free(char **units, size_t n);
/* Creates QR_ADOPT_DECIDED: 0, or -1 after printing why. */
int qr_adopt_decide(void);

/* quickreboot-generator (adopt_gen.c): always 0. */
int qr_adopt_generator(int argc, char **argv);
/* Its work, for the command line text (exe: the quickreboot binary;
 * decided: QR_ADOPT_DECIDED exists): how many drop-ins it wrote in dir. */
int qr_adopt_generate(const char *cmdline, const char *dir, const char *exe,
		      bool decided);

/* The cgroup v2 path of pid ("/system.slice/x.service") from
 * /proc/PID/cgroup (pid 0: this process). Returns 0, or -1 after printing
 * why (e.g. not cgroup v2). */
int qr_cgroup_of(pid_t pid, char *out, size_t size);
/* Moves pid (all its threads) into cgroup path (as qr_cgroup_of gives). */
int qr_cgroup_move(pid_t pid, const char *path);
/* Every process of the cgroup and its descendants, first in *pids (malloc'd).
 * Returns 0, or -1 after printing why. */
int qr_cgroup_procs(const char *path, pid_t first, pid_t **pids, size_t *n);

/* Freezes the unit's restored processes in a child cgroup of this
 * process's (the restore unit's) until `adopt` moves them: 0, or -1
 * after printing why (they then run meanwhile). */
int qr_adopt_hold(const char *unit, const pid_t *pids, size_t n);
/* Whether pid is a restored process of unit waiting for adoption: in the
 * restore unit's cgroup or in the unit's hold there (then into hold, else
 * ""). Anything else under a recorded PID is not ours (reused). */
bool qr_adopt_waiting(pid_t pid, const char *unit, char *hold, size_t size);
/* Removes the hold once emptied (nothing if hold is ""). */
void qr_adopt_release(const char *hold);

/* sd_notify(3) without libsystemd: sends text to $NOTIFY_SOCKET. */
int qr_sd_notify(const char *text);

#endif
