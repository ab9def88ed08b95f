/* memfds held as fds: their contents (fds/contents.h), name and seals.
 * Restore makes a memfd again with the same name (what /proc shows),
 * writes the contents and adds the seals last, F_SEAL_SEAL among them;
 * other open descriptions of it reopen the one made. One on hugetlbfs
 * is refused by name. A memfd mapped shared is one object with its
 * mappings: restore/shmem.c finds the file made here by its object. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "checkpoint/maps.h"
#include "fds/contents.h"
#include "lib/exit.h"

#define PREFIX "/memfd:"

/* The kind's data: this, then the contents. */
struct memfd_head {
	uint32_t seals, pad;
};

static bool memfd_match(const char *link, const struct stat *st)
{
	return !strncmp(link, PREFIX, strlen(PREFIX)) &&
		qr_path_deleted(link) && S_ISREG(st->st_mode);
}

static int memfd_capture(struct qr_fd_capture *c)
{
	struct memfd_head h = { 0 };
	char path[64];
	struct statfs fs;
	int fd, seals;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", c->pid, c->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
	if (fd < 0 || seals < 0 || fstatfs(fd, &fs)) {
		qr_error("process %d: fd %d: %s: %s", c->pid, c->fd, c->link,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (fs.f_type == HUGETLBFS_MAGIC) {
		qr_error("process %d: fd %d is a memfd of huge pages (%s): not carried",
			 c->pid, c->fd, c->link);
		return -1;
	}
	h.seals = seals;
	qr_strbuf_add(c->data, &h, sizeof(h));
	return qr_contents_capture(c, "a memfd");
}

static int memfd_valid(const struct qri_file_img *f, struct qr_err *e)
{
	size_t len = strlen(f->path), fixed = strlen(PREFIX) + strlen(QR_DELETED);

	/* memfd_create takes names of up to 249 bytes. */
	if (len < fixed || len - fixed > 249 ||
	    strncmp(f->path, PREFIX, strlen(PREFIX)) || !qr_path_deleted(f->path))
		return qr_err_set(e, "a memfd named %s", f->path);
	return qr_contents_valid(f, sizeof(struct memfd_head), e);
}

/* The memfd made again with its name, contents and seals. */
static int remake(const struct qri_file_img *f)
{
	size_t n = strlen(f->path) - strlen(PREFIX) - strlen(QR_DELETED);
	struct memfd_head h;
	char name[256];
	int made, fd = -1;

	memcpy(&h, f->data, sizeof(h));
	snprintf(name, sizeof(name), "%.*s", (int)n, f->path + strlen(PREFIX));
	/* Without MFD_ALLOW_SEALING a memfd has F_SEAL_SEAL alone. */
	made = memfd_create(name, MFD_CLOEXEC |
			    (h.seals == F_SEAL_SEAL ? 0 : MFD_ALLOW_SEALING));
	if (made < 0) {
		qr_error("restore: %s: %s", f->path, strerror(errno));
		return -1;
	}
	if (!qr_contents_write(made, f, sizeof(h))) {
		if (h.seals != F_SEAL_SEAL && h.seals &&
		    fcntl(made, F_ADD_SEALS, h.seals))
			qr_error("restore: %s: seals 0x%x: %s", f->path, h.seals,
				 strerror(errno));
		else
			fd = qr_contents_reopen(made, f);
	}
	close(made);
	return fd;
}

static int memfd_open(struct qr_files *t, const struct qri_file_img *f)
{
	const struct qri_file_img *kin = qr_files_first_kin(t, f);
	int made;

	if (kin == f)
		return remake(f);
	made = qr_files_get(t, kin->f.id);
	return made < 0 ? -1 : qr_contents_reopen(made, f);
}

const struct qr_fd_kind qr_fd_memfd = {
	.kind = QRI_FD_MEMFD, .name = "memfd",
	.match = memfd_match, .capture = memfd_capture, .valid = memfd_valid,
	.open = memfd_open,
};
