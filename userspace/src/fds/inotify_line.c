/* inotify fdinfo lines (inotify_line.h), as inotify_fdinfo() and
 * show_mark_fhandle() (fs/notify/fdinfo.c) print them: "inotify" then
 * NAME:HEX fields in a fixed order; the handle's fields are missing when
 * the filesystem could not encode one. */
#include "fds/inotify_line.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>

#define MAX_LINE 512

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "NAME:HEX" at *s for the NAME given, its value <= max; *s moves past
 * it and the space after it. */
static int field(const char **s, const char *name, uint64_t max, uint64_t *out)
{
	size_t n = strlen(name);
	const char *p = *s;
	uint64_t v = 0;

	if (strncmp(p, name, n) || p[n] != ':')
		return -1;
	p += n + 1;
	if (hexval(*p) < 0)
		return -1;
	for (; hexval(*p) >= 0; p++) {
		if (v > (max - hexval(*p)) / 16)
			return -1;
		v = v * 16 + hexval(*p);
	}
	if (*p == ' ')
		p++;
	else if (*p)
		return -1;
	*s = p;
	*out = v;
	return 0;
}

int qr_inotify_line_parse(const char *line, struct qr_inotify_line *w,
			  struct qr_err *e)
{
	static const char *const names[] = { "wd", "ino", "sdev", "mask",
					      "ignored_mask" };
	const uint64_t max[] = { INT32_MAX, UINT64_MAX, UINT32_MAX, UINT32_MAX,
				 UINT32_MAX };
	char buf[MAX_LINE], tb[QR_TOKEN_BUF];
	size_t len = strcspn(line, "\n");
	const char *p = buf;
	uint64_t v[5], hb, ht;

	memset(w, 0, sizeof(*w));
	if (len >= sizeof(buf) || line[len + (line[len] == '\n')])
		return qr_err_set(e, "inotify line too long or not one line: '%s'",
				  qr_err_token(tb, line, len));
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (strncmp(p, "inotify ", 8))
		return qr_err_set(e, "not an inotify line: '%s'",
				  qr_err_token(tb, line, len));
	p += 8;
	for (int i = 0; i < 5; i++)
		if (field(&p, names[i], max[i], &v[i]))
			return qr_err_set(e, "inotify line: bad or missing %s: '%s'",
					  names[i], qr_err_token(tb, p, strlen(p)));
	if (!v[0])
		return qr_err_set(e, "inotify line: watch descriptor 0");
	w->wd = v[0];
	w->ino = v[1];
	w->sdev = v[2];
	w->mask = v[3];
	if (v[4])	/* the kernel always prints 0: inotify has no ignore mask */
		return qr_err_set(e, "inotify line: ignored_mask %llx, not 0",
				  (unsigned long long)v[4]);
	if (!*p)
		return 0;	/* no handle */
	if (field(&p, "fhandle-bytes", QR_HANDLE_MAX, &hb) ||
	    field(&p, "fhandle-type", INT32_MAX, &ht) || !hb)
		return qr_err_set(e, "inotify line: bad file handle fields: '%s'",
				  qr_err_token(tb, p, strlen(p)));
	if (strncmp(p, "f_handle:", 9) || strlen(p + 9) != hb * 2)
		return qr_err_set(e, "inotify line: f_handle of other than %llu bytes: '%s'",
				  (unsigned long long)hb,
				  qr_err_token(tb, p, strlen(p)));
	p += 9;
	for (uint64_t i = 0; i < hb; i++) {
		int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return qr_err_set(e, "inotify line: f_handle is not hex: '%s'",
					  qr_err_token(tb, p, strlen(p)));
		w->handle[i] = hi << 4 | lo;
	}
	w->handle_bytes = hb;
	w->handle_type = ht;
	return 0;
}

/* A mountinfo field: its octal escapes undone into out. */
static int unescape(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
		    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 |
				   (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= size || !c)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* "ID PARENT MAJ:MIN ROOT POINT ...": the fields' starts and lengths. */
static int mountinfo_fields(const char *line, size_t len, const char *f[5],
			    size_t flen[5])
{
	size_t i = 0;

	for (int k = 0; k < 5; k++) {
		while (i < len && line[i] == ' ')
			i++;
		f[k] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		flen[k] = line + i - f[k];
		if (!flen[k])
			return -1;
	}
	return 0;
}

int qr_mountinfo_point(const char *text, unsigned int major,
		       unsigned int minor, char *out, size_t size)
{
	char dev[32];
	int found = -1;

	snprintf(dev, sizeof(dev), "%u:%u", major, minor);
	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		size_t len = strcspn(s, "\n"), flen[5];
		const char *f[5];
		bool whole;

		if (mountinfo_fields(s, len, f, flen) || flen[2] != strlen(dev) ||
		    memcmp(f[2], dev, flen[2]))
			continue;
		whole = flen[3] == 1 && f[3][0] == '/';
		if ((found < 0 || whole) &&
		    !unescape(f[4], flen[4], out, size)) {
			found = whole;
			if (whole)
				return 0;
		}
	}
	return found < 0 ? -1 : 0;
}

#define MASK_KNOWN (IN_ALL_EVENTS | IN_EXCL_UNLINK | IN_ONESHOT)

int qr_inotify_data_next(const uint8_t *data, size_t len, size_t *off,
			 uint32_t last, struct qri_inotify_watch *w, char *path,
			 struct qr_err *e)
{
	size_t left = len - *off, room;

	if (*off > len)
		return qr_err_set(e, "inotify data: offset %zu past its end", *off);
	if (!left)
		return 0;
	if (left < sizeof(*w))
		return qr_err_set(e, "inotify data: %zu bytes left at %zu, not a watch",
				  left, *off);
	memcpy(w, data + *off, sizeof(*w));
	room = left - sizeof(*w);
	if (!w->path_len && !w->mask && !w->ino && !w->pad) {
		if (room)
			return qr_err_set(e, "inotify data: %zu bytes after the next wd",
					  room);
		if (w->wd <= last || w->wd > INT32_MAX)
			return qr_err_set(e, "inotify data: next wd %u after watch %u",
					  w->wd, last);
		*off = len;
		return 2;
	}
	if (!w->path_len || w->path_len > QRI_MAX_PATH || w->pad ||
	    w->path_len > room || ((w->path_len + 7ull) & ~7ull) > room)
		return qr_err_set(e, "inotify data: watch at %zu: path of %u bytes",
				  *off, w->path_len);
	if (w->wd <= last || w->wd > INT32_MAX)
		return qr_err_set(e, "inotify data: watch %u after watch %u", w->wd, last);
	if (!(w->mask & IN_ALL_EVENTS) || (w->mask & ~(uint32_t)MASK_KNOWN))
		return qr_err_set(e, "inotify data: watch %u: mask %#x", w->wd, w->mask);
	memcpy(path, data + *off + sizeof(*w), w->path_len);
	path[w->path_len] = '\0';
	if (path[0] != '/' || strlen(path) != w->path_len)
		return qr_err_set(e, "inotify data: watch %u: path is not absolute or holds a NUL",
				  w->wd);
	for (size_t i = w->path_len; i < ((w->path_len + 7u) & ~7u); i++)
		if (data[*off + sizeof(*w) + i])
			return qr_err_set(e, "inotify data: watch %u: padding not zero", w->wd);
	*off += sizeof(*w) + ((w->path_len + 7u) & ~7u);
	return 1;
}
