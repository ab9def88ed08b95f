/* Gathering the state shown by "quickreboot status". */
#include "status/gather.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/cmdline_tok.h"
#include "boot/grub_dropin.h"
#include "boot/iomem.h"
#include "lib/readfile.h"
#include "shelter/checks.h"

#define SMALL_MAX (64 * 1024)
#define IOMEM_MAX (4 * 1024 * 1024)
#define CONF_MAX (1024 * 1024)

static const char *at(char *buf, const char *root, const char *path)
{
	snprintf(buf, PATH_MAX, "%s%s", root, path);
	return buf;
}

static bool exists(const char *root, const char *path)
{
	char p[PATH_MAX];
	struct stat sb;

	return stat(at(p, root, path), &sb) == 0;
}

/* The first line of a small file into out ("" if unreadable). */
static void read_line(const char *root, const char *path, char *out, size_t size)
{
	char p[PATH_MAX];
	char *text = qr_read_file(at(p, root, path), SMALL_MAX);

	out[0] = '\0';
	if (!text)
		return;
	snprintf(out, size, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
}

static void gather_cmdline(struct qr_status *st, const char *root)
{
	char p[PATH_MAX];
	char *text = qr_read_file(at(p, root, "/proc/cmdline"), SMALL_MAX);
	struct qr_cmdline cl;
	struct qr_err e;
	int found;

	if (!text) {
		snprintf(st->cmdline_problem, sizeof(st->cmdline_problem),
			 "cannot read: %s", strerror(errno));
		return;
	}
	if (qr_cmdline_parse(text, &cl, &e)) {
		snprintf(st->cmdline_problem, sizeof(st->cmdline_problem), "%s", e.msg);
		free(text);
		return;
	}
	found = qr_shelter_from_cmdline(&cl, &st->shelter, &e);
	if (found < 0) {
		snprintf(st->cmdline_problem, sizeof(st->cmdline_problem), "%s", e.msg);
	} else if (found == 0) {
		st->shelter_named = true;
		if (qr_shelter_check_alignment(&st->shelter, &e) ||
		    qr_shelter_check_memmap(&cl, &st->shelter, &e))
			snprintf(st->cmdline_problem, sizeof(st->cmdline_problem), "%s", e.msg);
	}
	qr_cmdline_free(&cl);
	free(text);
}

static void gather_iomem(struct qr_status *st, const char *root)
{
	char p[PATH_MAX];
	char *text;
	struct qr_iomem io;
	struct qr_err e;

	st->iomem_reserved = QR_UNKNOWN;
	if (!st->shelter_named || st->cmdline_problem[0])
		return;
	text = qr_read_file(at(p, root, "/proc/iomem"), IOMEM_MAX);
	if (!text)
		return;
	if (qr_iomem_parse(text, &io, &e)) {
		st->iomem_reserved = QR_NO;
		snprintf(st->iomem_problem, sizeof(st->iomem_problem), "%s", e.msg);
	} else {
		if (qr_iomem_has_addresses(&io)) {
			st->iomem_reserved = qr_shelter_check_iomem(&io, &st->shelter, &e) ? QR_NO : QR_YES;
			if (st->iomem_reserved == QR_NO)
				snprintf(st->iomem_problem, sizeof(st->iomem_problem), "%s", e.msg);
		}
		qr_iomem_free(&io);
	}
	free(text);
}

static void gather_dropin(struct qr_status *st, const char *root)
{
	char p[PATH_MAX];
	char *text = qr_read_file(at(p, root, QR_GRUB_DROPIN), SMALL_MAX);

	if (!text)
		return;
	st->dropin_present = true;
	st->dropin_shelter_named = qr_grub_dropin_shelter(text, &st->dropin_shelter, NULL) == 0;
	free(text);
}

static void gather_module(struct qr_status *st, const char *root)
{
	static const char dir[] = "/sys/module/shelter";

	st->module_loaded = exists(root, dir);
	if (!st->module_loaded)
		return;
	read_line(root, "/sys/module/shelter/status/state", st->mod_state, sizeof(st->mod_state));
	read_line(root, "/sys/module/shelter/status/generation", st->mod_generation,
		  sizeof(st->mod_generation));
	read_line(root, "/sys/module/shelter/status/device", st->mod_device, sizeof(st->mod_device));
	read_line(root, "/sys/module/shelter/status/problem", st->mod_problem, sizeof(st->mod_problem));
}

static void gather_restore(struct qr_status *st, const char *root)
{
	char p[PATH_MAX];
	char *text;

	st->restore_loaded = exists(root, "/sys/module/restore/status");
	if (!st->restore_loaded)
		return;
	read_line(root, "/sys/module/restore/status/handed_back", st->handed_back,
		  sizeof(st->handed_back));
	read_line(root, "/sys/module/restore/status/added_bytes", st->added_bytes,
		  sizeof(st->added_bytes));
	read_line(root, "/sys/module/restore/status/unhanded_bytes", st->unhanded_bytes,
		  sizeof(st->unhanded_bytes));
	text = qr_read_file(at(p, root, "/sys/module/restore/status/unhanded"), SMALL_MAX);
	if (text)
		snprintf(st->unhanded, sizeof(st->unhanded), "%s", text);
	free(text);
}

static void scan_modules(struct qr_kernel *k, const char *root)
{
	char path[PATH_MAX], rel[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(rel, sizeof(rel), "/lib/modules/%s/build", k->version);
	k->headers = exists(root, rel);
	snprintf(rel, sizeof(rel), "/lib/modules/%s/updates/dkms", k->version);
	dir = opendir(at(path, root, rel));
	if (!dir)
		return;
	while ((d = readdir(dir)))
		for (int m = 0; m < QR_N_MODULES; m++)
			if (qr_is_module_file(d->d_name, qr_module_names[m]))
				k->module[m] = true;
	closedir(dir);
}

/* A /lib/modules entry is a kernel when its name would be a valid image name. */
static const char *modules_dir_version(const char *name, char *buf, size_t size)
{
	if (name[0] == '.')
		return NULL;
	snprintf(buf, size, "vmlinuz-%s", name);
	return qr_kver_from_image_name(buf);
}

static void gather_kernels(struct qr_status *st, const char *root)
{
	char path[PATH_MAX], buf[NAME_MAX + 16];
	struct dirent *d;
	struct qr_kernel *k;
	const char *v;
	DIR *dir;

	if ((dir = opendir(at(path, root, "/boot")))) {
		while ((d = readdir(dir))) {
			char rel[PATH_MAX];

			v = qr_kver_from_image_name(d->d_name);
			if (!v || !(k = qr_kernels_get(&st->kernels, v)))
				continue;
			k->image = true;
			snprintf(rel, sizeof(rel), "/boot/initrd.img-%s", v);
			k->initrd = exists(root, rel);
		}
		closedir(dir);
	}
	if ((dir = opendir(at(path, root, "/lib/modules")))) {
		while ((d = readdir(dir)))
			if ((v = modules_dir_version(d->d_name, buf, sizeof(buf))))
				qr_kernels_get(&st->kernels, v);
		closedir(dir);
	}
	if (st->running[0])
		qr_kernels_get(&st->kernels, st->running);
	for (size_t i = 0; i < st->kernels.n; i++)
		scan_modules(&st->kernels.k[i], root);
	qr_kernels_sort(&st->kernels);
}

static bool find_kexec(const char *root)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
	char p[PATH_MAX], rel[64];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(rel, sizeof(rel), "%s/kexec", dirs[i]);
		if (access(at(p, root, rel), X_OK) == 0)
			return true;
	}
	return false;
}

static void gather_conf(struct qr_status *st, const char *root)
{
	char p[PATH_MAX];
	size_t len;
	char *text = qr_read_file_len(at(p, root, QR_CONF_PATH), CONF_MAX, &len);
	struct qr_err e;

	if (!text) {
		st->conf_present = errno != ENOENT;
		if (st->conf_present)
			snprintf(st->conf_problem, sizeof(st->conf_problem),
				 "cannot read: %s", strerror(errno));
		return;
	}
	st->conf_present = true;
	st->conf_ok = qr_conf_parse(text, len, &st->conf, &e) == 0;
	if (!st->conf_ok)
		snprintf(st->conf_problem, sizeof(st->conf_problem), "%s", e.msg);
	free(text);
}

void qr_status_gather(struct qr_status *st, const char *root)
{
	memset(st, 0, sizeof(*st));
	read_line(root, "/proc/sys/kernel/osrelease", st->running, sizeof(st->running));
	gather_cmdline(st, root);
	gather_iomem(st, root);
	gather_dropin(st, root);
	gather_module(st, root);
	gather_restore(st, root);
	gather_kernels(st, root);
	st->kexec_found = find_kexec(root);
	gather_conf(st, root);
}
