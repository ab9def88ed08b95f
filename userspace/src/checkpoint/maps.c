/* /proc/PID/maps lines, checked field by field: they come from another
 * process's view and are parsed before anything is trusted. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "checkpoint/maps.h"
#include "image/format.h"

static int hex(char **p, char end, uint64_t *v)
{
	char *q;

	if (!((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f')))
		return -1;
	*v = strtoull(*p, &q, 16);
	if (*q != end)
		return -1;
	*p = q + 1;
	return 0;
}

int qr_maps_line(char *line, struct qr_map *m, struct qr_err *e)
{
	char tok[QR_TOKEN_BUF];
	char *p = line, *nl = strchr(line, '\n');
	uint64_t dev_major, dev_minor;

	if (nl)
		*nl = '\0';
	memset(m, 0, sizeof(*m));
	if (hex(&p, '-', &m->start) || hex(&p, ' ', &m->end) ||
	    m->start >= m->end || strlen(p) < 5 || p[4] != ' ')
		goto bad;
	if ((p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 's' && p[3] != 'p'))
		goto bad;
	m->prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) |
		(p[2] == 'x' ? PROT_EXEC : 0);
	m->shared = p[3] == 's';
	p += 5;
	if (hex(&p, ' ', &m->offset) || hex(&p, ':', &dev_major) ||
	    hex(&p, ' ', &dev_minor) || *p < '0' || *p > '9')
		goto bad;
	m->dev = dev_major << 32 | dev_minor;
	m->inode = strtoull(p, &p, 10);
	if (*p != ' ' && *p != '\0')
		goto bad;
	while (*p == ' ')
		p++;
	m->name = p;
	return 0;
bad:
	return qr_err_set(e, "maps line not understood: '%s'",
			  qr_err_token(tok, line, strlen(line)));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

bool qr_path_deleted(const char *path)
{
	return ends_with(path, QR_DELETED);
}

bool qr_map_file_deleted(const struct qr_map *m)
{
	return m->name[0] == '/' && qr_path_deleted(m->name);
}

int qr_map_classify(const struct qr_map *m, uint32_t *flags, const char **why)
{
	const char *n = m->name;

	*flags = 0;
	*why = NULL;
	if (!strcmp(n, "[vsyscall]"))
		return 1;
	if (!strcmp(n, "[vvar]") || !strcmp(n, "[vvar_vclock]")) {
		*flags = QRI_VMA_VVAR;
		return 0;
	}
	if (!strcmp(n, "[vdso]")) {
		*flags = QRI_VMA_VDSO;
		return 0;
	}
	if (m->shared && !strcmp(n, "/dev/zero" QR_DELETED)) {
		*flags = QRI_VMA_SHARED | QRI_VMA_SHMEM;
		return 0;
	}
	if (!strcmp(n, "/anon_hugepage" QR_DELETED)) {
		*why = "a hugetlbfs mapping (huge pages)";
		return -1;
	}
	if (qr_map_tmpfs(m)) {
		/* Shared: one object for all that map it or hold it.
		 * Private: what the process sees, as anonymous memory (the
		 * file may not outlive the reboot). */
		*flags = m->shared ? QRI_VMA_SHARED | QRI_VMA_SHMEM : QRI_VMA_ANON;
		return 0;
	}
	if (!strncmp(n, "/SYSV", 5) && m->shared && qr_path_deleted(n)) {
		*flags = QRI_VMA_SHARED | QRI_VMA_SYSV;
		return 0;
	}
	if (n[0] == '/') {
		if (!strncmp(n, "/dev/", 5))
			*why = "a mapping of a device";
		else if (qr_map_file_deleted(m) && m->shared)
			*why = "a shared mapping of a deleted file";
		else if (qr_map_file_deleted(m))
			*flags = QRI_VMA_ANON;
		else
			*flags = m->shared ? QRI_VMA_SHARED : 0;
		return *why ? -1 : 0;
	}
	if (m->shared) {
		*why = "shared anonymous memory";
		return -1;
	}
	if (!strcmp(n, "[heap]"))
		*flags = QRI_VMA_ANON | QRI_VMA_HEAP;
	else if (!strcmp(n, "[stack]"))
		*flags = QRI_VMA_ANON | QRI_VMA_STACK;
	else if ((!n[0] || !strncmp(n, "[anon:", 6)) && !m->inode)
		*flags = QRI_VMA_ANON;
	else
		*why = "a special mapping";
	return *why ? -1 : 0;
}

bool qr_map_tmpfs(const struct qr_map *m)
{
	const char *n = m->name;

	return (!strncmp(n, "/memfd:", 7) && qr_path_deleted(n)) ||
		(!strncmp(n, "/dev/shm/", 9) && strlen(n) > 9);
}

int qr_map_saves_pages(const struct qr_map *m, uint32_t flags)
{
	if (flags & QRI_VMA_VVAR || flags & QRI_VMA_SHARED)
		return 0;
	return (m->prot & PROT_READ) != 0;
}

const char *qr_map_zc_mode(const struct qr_map *m, uint32_t flags)
{
	if (flags & QRI_VMA_SYSV)
		return "its System V segment copied once, attached again at the same address (no zero copy yet)";
	if (flags & QRI_VMA_SHMEM && qr_map_tmpfs(m))
		return "copied once for every process that shares it (a memfd or /dev/shm file, made again with its name: no zero copy yet)";
	if (flags & QRI_VMA_SHMEM)
		return "copied once for every process that shares it (shared anonymous memory: no zero copy yet)";
	if (qr_map_tmpfs(m))
		return "copied whole: a private mapping of a memfd or /dev/shm file, kept as anonymous memory with what the process saw";
	if (!qr_map_saves_pages(m, flags))
		return flags & QRI_VMA_SHARED ? "not saved: shared, its pages are the file's" :
			"not saved: the kernel's or unreadable";
	if (flags & QRI_VMA_VDSO)
		return "copied (the old vDSO, for its entry points)";
	if (qr_map_file_deleted(m))
		return "copied whole: its file was replaced or deleted, the process keeps the old contents as anonymous memory";
	if (m->name[0] == '/')
		return "zero copy for written pages, the file's clean pages copied";
	return "zero copy";
}
