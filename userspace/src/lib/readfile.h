/* Reading small text files (/proc/cmdline, /proc/iomem) whole. */
#ifndef QR_READFILE_H
#define QR_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Returns a NUL-terminated malloc'd copy of the file, or NULL with errno
 * set (EFBIG when larger than max bytes). /proc files report size 0, so
 * the file is read until EOF. */
char *qr_read_file(const char *path, size_t max);

/* The same, its length in *len (if not NULL): the file may hold a NUL,
 * which a parser of it must then see. */
char *qr_read_file_len(const char *path, size_t max, size_t *len);

/* /proc/PID/NAME (NAME may be a path below it, "task/TID/status"), as
 * qr_read_file() with a bound of 64 KiB. */
char *qr_read_proc(pid_t pid, const char *name);

#endif
