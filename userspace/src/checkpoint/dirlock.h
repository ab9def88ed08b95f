/* One checkpoint at a time per directory: an exclusive flock(2) on the
 * directory itself, taken before anything is frozen and held until the
 * checkpoint ends (released by the kernel if it dies). No lock file is
 * left behind. */
#ifndef QR_CHECKPOINT_DIRLOCK_H
#define QR_CHECKPOINT_DIRLOCK_H

#include <sys/types.h>

/* Returns the locked directory's fd (close-on-exec), or -1 after printing
 * why, naming the checkpoint that holds it when /proc/locks says. */
int qr_dir_lock(const char *dir);

/* Pure: the PID that /proc/locks (text) says holds a FLOCK on the inode
 * ino of device major:minor, or 0 if none is listed. */
pid_t qr_locks_holder(const char *text, unsigned int major,
		      unsigned int minor, unsigned long ino);

#endif
