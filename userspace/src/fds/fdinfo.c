/* The field lookup and number reading that the event kinds' fdinfo
 * parsers share (event.h). Pure. */
#include <string.h>

#include "fds/event.h"

const char *qr_fdinfo_field(const char *text, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *line = text, *v, *nl;

	while (*line) {
		if (!strncmp(line, key, klen)) {
			v = line + klen;
			while (*v == ' ' || *v == '\t')
				v++;
			nl = strchr(v, '\n');
			*len = nl ? (size_t)(nl - v) : strlen(v);
			return v;
		}
		nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return NULL;
}

static int digit(char c, int base)
{
	int d = c >= '0' && c <= '9' ? c - '0' :
		c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

	return d < base ? d : -1;
}

int qr_fdinfo_num(const char **s, const char *end, int base, uint64_t *v)
{
	const char *p = *s;
	uint64_t n = 0;
	int d;

	while (p < end && (d = digit(*p, base)) >= 0) {
		if (n > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		n = n * base + d;
		p++;
	}
	if (p == *s)
		return -1;
	*s = p;
	*v = n;
	return 0;
}
