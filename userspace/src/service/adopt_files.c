/* The adoption drop-ins on disk, wherever they come from: the generator's
 * (QR_GENERATOR_DIR, written before systemd's first unit load) or restore's
 * own (QR_RUNTIME_UNIT_DIR, then a daemon-reload). adopt.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/exit.h"
#include "service/adopt.h"

bool qr_adopt_exe(char *exe, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", exe, size - 1);

	if (len <= 0)
		return false;
	exe[len] = '\0';
	return !strpbrk(exe, " \t\\%$\"'");
}

void qr_adopt_dropin_path(char *out, size_t size, const char *dir,
			  const char *unit, bool file)
{
	snprintf(out, size, "%s/%s.d%s", dir, unit, file ? "/" QR_DROPIN_NAME : "");
}

int qr_adopt_dropin_write(const char *dir, const char *unit, const char *text)
{
	char path[4096];
	size_t len = strlen(text);
	int fd, rc = -1;

	qr_adopt_dropin_path(path, sizeof(path), dir, unit, false);
	if (mkdir(path, 0755) && errno != EEXIST) {
		qr_error("%s: %s", path, strerror(errno));
		return -1;
	}
	qr_adopt_dropin_path(path, sizeof(path), dir, unit, true);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && write(fd, text, len) == (ssize_t)len)
		rc = 0;
	if (rc)
		qr_error("writing %s: %s", path, strerror(errno));
	if (fd >= 0 && close(fd) && !rc) {
		qr_error("writing %s: %s", path, strerror(errno));
		rc = -1;
	}
	/* Half a drop-in would pass for a whole one. */
	if (rc)
		unlink(path);
	return rc;
}

bool qr_adopt_generated(const char *unit)
{
	char path[4096];

	qr_adopt_dropin_path(path, sizeof(path), QR_GENERATOR_DIR, unit, true);
	return !access(path, F_OK);
}

bool qr_adopt_recorded(const char *unit)
{
	char path[4096];

	snprintf(path, sizeof(path), QR_ADOPT_DIR "/%s", unit);
	return !access(path, F_OK);
}

size_t qr_adopt_generated_units(char ***units)
{
	DIR *d = opendir(QR_GENERATOR_DIR);
	struct dirent *e;
	size_t n = 0;

	*units = NULL;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[256], **grown;

		if (len < 3 || len - 2 >= sizeof(name) || strcmp(e->d_name + len - 2, ".d"))
			continue;
		memcpy(name, e->d_name, len - 2);
		name[len - 2] = '\0';
		if (!qr_unit_name_valid(name) || !qr_adopt_generated(name))
			continue;
		grown = realloc(*units, (n + 1) * sizeof(**units));
		if (!grown || !(grown[n] = strdup(name))) {
			*units = grown ? grown : *units;
			break;
		}
		*units = grown;
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

void qr_adopt_units_list_free(char **units, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(units[i]);
	free(units);
}

int qr_adopt_decide(void)
{
	int fd;

	mkdir("/run/quickreboot", 0755);
	fd = open(QR_ADOPT_DECIDED, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		qr_error("%s: %s", QR_ADOPT_DECIDED, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}
