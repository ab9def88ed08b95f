/* Kernel list. */
#define _GNU_SOURCE	/* strverscmp() */
#include "boot/kernels.h"

#include <stdlib.h>
#include <string.h>

const char *const qr_module_names[QR_N_MODULES] = { "shelter", "pfncheck", "restore" };

int qr_kver_cmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

const char *qr_kver_from_image_name(const char *name)
{
	static const char prefix[] = "vmlinuz-";
	static const char *const leftovers[] = { ".rpmsave", ".rpmnew", ".old", ".bak", ".sig" };
	const char *v;

	if (strncmp(name, prefix, strlen(prefix)))
		return NULL;
	v = name + strlen(prefix);
	if (!*v || strstr(v, ".dpkg-"))
		return NULL;
	for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++)
		if (ends_with(v, leftovers[i]))
			return NULL;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '/')
			return NULL;
	return v;
}

bool qr_is_module_file(const char *file, const char *name)
{
	static const char *const ext[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t n = strlen(name);

	if (strncmp(file, name, n))
		return false;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcmp(file + n, ext[i]))
			return true;
	return false;
}

struct qr_kernel *qr_kernels_get(struct qr_kernels *ks, const char *version)
{
	struct qr_kernel *k;

	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].version, version))
			return &ks->k[i];
	k = realloc(ks->k, (ks->n + 1) * sizeof(*k));
	if (!k)
		return NULL;
	ks->k = k;
	k = &ks->k[ks->n];
	memset(k, 0, sizeof(*k));
	k->version = strdup(version);
	if (!k->version)
		return NULL;
	ks->n++;
	return k;
}

static int by_version(const void *a, const void *b)
{
	return qr_kver_cmp(((const struct qr_kernel *)a)->version,
			   ((const struct qr_kernel *)b)->version);
}

void qr_kernels_sort(struct qr_kernels *ks)
{
	if (ks->n > 1)
		qsort(ks->k, ks->n, sizeof(*ks->k), by_version);
}

bool qr_kernel_has_modules(const struct qr_kernel *k)
{
	for (int i = 0; i < QR_N_MODULES; i++)
		if (!k->module[i])
			return false;
	return true;
}

const struct qr_kernel *qr_kernels_target(const struct qr_kernels *ks)
{
	const struct qr_kernel *best = NULL;

	for (size_t i = 0; i < ks->n; i++)
		if (ks->k[i].image && (!best || qr_kver_cmp(ks->k[i].version, best->version) > 0))
			best = &ks->k[i];
	return best;
}

void qr_kernels_free(struct qr_kernels *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i].version);
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}
