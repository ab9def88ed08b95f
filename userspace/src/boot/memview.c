/* See memview.h. */
#include "boot/memview.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"
#include "boot/iomem.h"
#include "boot/memmap.h"
#include "lib/readfile.h"
#include "shelter/checks.h"

#define FWMAP "/sys/firmware/memmap"
#define BLOCK_SIZE "/sys/devices/system/memory/block_size_bytes"

static int named_range(const struct qr_cmdline *cl, const char *name,
		       bool *has, struct qr_range *r, struct qr_err *e)
{
	const struct qr_param *p = qr_cmdline_find_last(cl, name);

	*has = false;
	if (!p)
		return 0;
	if (!p->value || qr_parse_range(p->value, '@', r, e))
		return qr_err_set(e, "%s=%s is not SIZE@ADDR", name,
				  p->value ? p->value : "");
	*has = true;
	return 0;
}

int qr_memview_cmdline(struct qr_memview *m, const struct qr_cmdline *cl,
		       struct qr_err *e)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct qr_param *p = &cl->param[i];
		struct qr_memmap mm;

		if (p->init_arg || !qr_param_name_eq(p->name, "memmap") || !p->value)
			continue;
		if (qr_memmap_parse(p->value, &mm, e))
			return -1;
		for (size_t j = 0; j < mm.n; j++) {
			const struct qr_range *r = &mm.entry[j].range;

			if (mm.entry[j].kind == QR_MEMMAP_RESERVED &&
			    qr_spans_add(&m->reserved, r->start, r->start + r->size)) {
				qr_memmap_free(&mm);
				return qr_err_set(e, "out of memory");
			}
		}
		qr_memmap_free(&mm);
	}
	return named_range(cl, QR_SHELTER_PARAM, &m->has_shelter, &m->shelter, e) ||
		named_range(cl, QR_BOOTAREA_PARAM, &m->has_named, &m->named, e) ? -1 : 0;
}

static int read_u64(const char *path, int base, uint64_t *v)
{
	char *t = qr_read_file(path, 128), *end;

	if (!t)
		return -1;
	errno = 0;
	*v = strtoull(t, &end, base);
	if (errno || end == t)
		errno = EINVAL;
	free(t);
	return errno ? -1 : 0;
}

/* /sys/firmware/memmap/N/{start,end,type}: the map the kernel booted
 * with, before memmap= changes, which kexec-tools hands on. */
static int read_fwram(struct qr_spans *ram)
{
	DIR *d = opendir(FWMAP);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -1;
	while (!rc && (de = readdir(d))) {
		char path[512], *type;
		uint64_t s, t;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), FWMAP "/%s/type", de->d_name);
		type = qr_read_file(path, 128);
		if (!type) {
			rc = -1;
			break;
		}
		if (!strcmp(type, "System RAM\n")) {
			snprintf(path, sizeof(path), FWMAP "/%s/start", de->d_name);
			rc = read_u64(path, 16, &s);
			snprintf(path, sizeof(path), FWMAP "/%s/end", de->d_name);
			rc = rc ? rc : read_u64(path, 16, &t);
			if (!rc && (t < s || qr_spans_add(ram, s, t + 1)))
				rc = -1;
		}
		free(type);
	}
	closedir(d);
	return rc;
}

static int read_sysram(struct qr_spans *ram)
{
	char *text = qr_read_file("/proc/iomem", 4 << 20);
	struct qr_iomem io;
	struct qr_err e;
	int rc = -1;

	if (!text)
		return -1;
	if (qr_iomem_parse(text, &io, &e)) {
		qr_error("/proc/iomem: %s", e.msg);
		free(text);
		return -1;
	}
	free(text);
	if (!qr_iomem_has_addresses(&io)) {
		qr_error("/proc/iomem shows no addresses: run as root");
		goto out;
	}
	for (size_t i = 0; i < io.n; i++)
		if (!strncmp(io.entry[i].name, "System RAM", 10) &&
		    qr_spans_add(ram, io.entry[i].start, io.entry[i].end + 1))
			goto out;
	rc = 0;
out:
	qr_iomem_free(&io);
	return rc;
}

int qr_memview_read(struct qr_memview *m, const char *cmdline)
{
	char *proc = cmdline ? NULL : qr_read_file("/proc/cmdline", 64 * 1024);
	struct qr_cmdline cl;
	struct qr_err e;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (!cmdline && !proc) {
		qr_error("cannot read /proc/cmdline: %s", strerror(errno));
		return -1;
	}
	if (qr_cmdline_parse(cmdline ? cmdline : proc, &cl, &e)) {
		qr_error("command line: %s", e.msg);
		free(proc);
		return -1;
	}
	if (qr_memview_cmdline(m, &cl, &e))
		qr_error("command line: %s", e.msg);
	else if (read_fwram(&m->fwram) || !m->fwram.n)
		qr_error(FWMAP ": no System RAM read: %s", strerror(errno));
	else if (!read_sysram(&m->sysram))
		rc = 0;
	if (read_u64(BLOCK_SIZE, 16, &m->block))
		m->block = 128ull << 20;
	qr_cmdline_free(&cl);
	free(proc);
	if (rc)
		qr_memview_free(m);
	return rc;
}

void qr_memview_free(struct qr_memview *m)
{
	qr_spans_free(&m->fwram);
	qr_spans_free(&m->sysram);
	qr_spans_free(&m->reserved);
}
