/* The file systems at the end of an orderly quick reboot (final.h), as
 * systemd-shutdown leaves them: unmounted, else read-only. One a kept
 * process writes to stays read-write (remount says EBUSY); it was synced,
 * and the kept process goes on writing to it in the New kernel. */
#define _GNU_SOURCE
#include "reboot/final.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lib/readfile.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Of a mountinfo line: its mount point, and its source after " - TYPE ". */
static bool parse_line(char *line, char **point, char **source)
{
	char *sep = strstr(line, " - "), *f[5];

	if (!sep)
		return false;
	f[0] = strtok(line, " ");
	for (int i = 1; i < 5; i++)
		f[i] = f[i - 1] ? strtok(NULL, " ") : NULL;
	*point = f[4];
	strtok(sep + 3, " ");		/* the type */
	*source = strtok(NULL, " ");
	if (!*point || !*source)
		return false;
	unescape(*point);
	return true;
}

void qr_final_mounts(void)
{
	char *text = qr_read_file("/proc/self/mountinfo", 1 << 20);
	char **line = NULL;
	size_t n = 0;

	sync();
	for (char *s = text, *nl; s && *s; s = nl + 1) {
		char **v = realloc(line, (n + 1) * sizeof(*line));

		if (!v)
			break;
		line = v;
		line[n++] = s;
		nl = strchr(s, '\n');
		if (!nl)
			break;
		*nl = '\0';
	}
	/* The last mounted first: a mount on top goes before the one below. */
	while (n--) {
		char *point, *source;

		/* Block devices only: /proc, /sys, /dev, /run and the like are
		 * the kernel's and go with it. */
		if (!parse_line(line[n], &point, &source) || strncmp(source, "/dev/", 5))
			continue;
		if (strcmp(point, "/") && !umount2(point, 0)) {
			printf("reboot: unmounted %s (%s)\n", point, source);
			continue;
		}
		if (!mount(NULL, point, NULL, MS_REMOUNT | MS_RDONLY, NULL))
			printf("reboot: %s (%s) read-only\n", point, source);
		else
			printf("reboot: %s (%s) stays read-write, synced: %s%s\n", point, source,
			       strerror(errno), errno == EBUSY ? " (a file open for writing: a kept process's)" : "");
	}
	sync();
	fflush(stdout);
	free(line);
	free(text);
}
