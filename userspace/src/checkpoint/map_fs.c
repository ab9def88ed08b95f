/* See qr_map_classify_in (checkpoint/maps.h): what a map name alone does
 * not tell, asked of the mapped file itself. */
#include <linux/magic.h>
#include <stdio.h>
#include <sys/vfs.h>

#include "checkpoint/maps.h"

/* Huge pages: a hugetlbfs file, a MAP_HUGETLB memfd or System V segment
 * (their names look like any other's). */
static bool on_hugetlbfs(pid_t pid, const struct qr_map *m)
{
	char path[96];
	struct statfs fs;

	snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", (int)pid,
		 (unsigned long long)m->start, (unsigned long long)m->end);
	return !statfs(path, &fs) && fs.f_type == HUGETLBFS_MAGIC;
}

int qr_map_classify_in(pid_t pid, const struct qr_map *m, uint32_t *flags,
		       const char **why)
{
	int c = qr_map_classify(m, flags, why);

	if (!c && m->name[0] == '/' && on_hugetlbfs(pid, m)) {
		*why = "a hugetlbfs mapping (huge pages)";
		return -1;
	}
	return c;
}
