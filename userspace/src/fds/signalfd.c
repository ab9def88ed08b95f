/* signalfd: the signals it reads, from fdinfo's sigmask; made again with
 * them. The signals pending stay with the process and its threads, which
 * carry them (restore/signals.c): the new signalfd reads them there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds/event.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

int qr_signalfd_parse(const char *text, struct qri_signalfd *out,
		      struct qr_err *e)
{
	size_t len;
	const char *v = qr_fdinfo_field(text, "sigmask:", &len), *p = v;

	memset(out, 0, sizeof(*out));
	if (!v || len != 16 || qr_fdinfo_num(&p, v + len, 16, &out->sigmask) ||
	    p != v + len)
		return qr_err_set(e, "signalfd: no sigmask in fdinfo");
	return 0;
}

int qr_signalfd_decode(const uint8_t *data, size_t len,
		       struct qri_signalfd *out, struct qr_err *e)
{
	if (len != sizeof(*out))
		return qr_err_set(e, "signalfd data of %zu bytes, not %zu", len,
				  sizeof(*out));
	memcpy(out, data, sizeof(*out));
	return 0;
}

static bool signalfd_match(const char *link, const struct stat *st)
{
	(void)st;
	return !strcmp(link, "anon_inode:[signalfd]");
}

static int signalfd_capture(struct qr_fd_capture *c)
{
	struct qri_signalfd s;
	char name[32];
	struct qr_err e;
	char *text;
	int rc;

	snprintf(name, sizeof(name), "fdinfo/%d", c->fd);
	text = qr_read_proc(c->pid, name);
	if (!text) {
		qr_error("process %d: fd %d: signalfd: no fdinfo", c->pid, c->fd);
		return -1;
	}
	rc = qr_signalfd_parse(text, &s, &e);
	free(text);
	if (rc) {
		qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
		return -1;
	}
	qr_strbuf_add(c->data, &s, sizeof(s));
	return 0;
}

static int signalfd_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct qri_signalfd s;
	struct qr_err e;
	int fd;

	(void)t;
	if (qr_signalfd_decode(f->data, f->f.data_len, &s, &e)) {
		qr_error("restore: file %u: %s", f->f.id, e.msg);
		return -1;
	}
	/* The kernel's sigset (8 bytes), not glibc's sigset_t: the mask as
	 * it was, SIGKILL and SIGSTOP ignored by the kernel as before. */
	fd = syscall(SYS_signalfd4, -1, &s.sigmask, sizeof(s.sigmask),
		     SFD_CLOEXEC | (f->f.open_flags & O_NONBLOCK ? SFD_NONBLOCK : 0));
	if (fd < 0)
		qr_error("restore: file %u: signalfd of %016llx: %s", f->f.id,
			 (unsigned long long)s.sigmask, strerror(errno));
	return fd;
}

static int signalfd_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qri_signalfd s;

	return qr_signalfd_decode(f->data, f->f.data_len, &s, e);
}

const struct qr_fd_kind qr_fd_signalfd = {
	.kind = QRI_FD_SIGNALFD, .name = "signalfd",
	.match = signalfd_match, .capture = signalfd_capture,
	.valid = signalfd_valid, .open = signalfd_open,
};
