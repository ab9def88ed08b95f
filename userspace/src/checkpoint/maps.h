/* One line of /proc/PID/maps, parsed. Pure: no I/O. */
#ifndef QR_CAPTURE_MAPS_H
#define QR_CAPTURE_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

struct qr_map {
	uint64_t start, end;
	uint32_t prot;		/* PROT_* */
	int shared;		/* 's' rather than 'p' */
	uint64_t offset;	/* bytes into the file */
	uint64_t inode;
	uint64_t dev;		/* major << 32 | minor, as maps shows them */
	const char *name;	/* points into the line: "" when none */
};

/* Parses "start-end perms offset dev inode [name]" (the line may end with
 * or without '\n', which is cut). Returns -1 with a message on a line that
 * does not follow the format. */
int qr_maps_line(char *line, struct qr_map *m, struct qr_err *e);

/* The link or map name of a file deleted or replaced since it was opened
 * or mapped: the kernel appends " (deleted)". */
#define QR_DELETED " (deleted)"
bool qr_path_deleted(const char *path);

/* A mapping of a file that was deleted or replaced since (an upgrade
 * renamed a new library or binary over it). A private one is carried as
 * anonymous memory holding the whole old contents: the process must go on
 * seeing what it mapped, not the new file. */
bool qr_map_file_deleted(const struct qr_map *m);

/* A mapping of a memfd ("/memfd:NAME (deleted)") or of a file in
 * /dev/shm (POSIX shared memory, tmpfs): its object is made again by
 * name at restore, not reopened. */
bool qr_map_tmpfs(const struct qr_map *m);

/* What the image makes of an area: QRI_VMA_* flags in *flags and 0; 1 for
 * an area that is not the process's to carry ([vsyscall], above user
 * space); -1 with *why naming what cannot be carried. */
int qr_map_classify(const struct qr_map *m, uint32_t *flags, const char **why);

/* The same for an area of process pid, which is also asked of the
 * mapped file: huge pages (hugetlbfs) are refused by name. */
int qr_map_classify_in(pid_t pid, const struct qr_map *m, uint32_t *flags,
		       const char **why);

/* Whether copy mode saves the area's contents: private memory the process
 * can read (shared file pages are in the file; vvar is the kernel's). */
int qr_map_saves_pages(const struct qr_map *m, uint32_t flags);

/* How a quick reboot in zero copy carries an area that can be kept: for
 * "quickreboot check". */
const char *qr_map_zc_mode(const struct qr_map *m, uint32_t flags);

#endif
