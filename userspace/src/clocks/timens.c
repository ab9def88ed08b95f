/* See timens.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks/timens.h"

#define NS 1000000000ll
/* The kernel refuses an offset of KTIME_SEC_MAX / 2 seconds or more. */
#define MAX_SEC 4611686018ll

/* One line: its clock and value; -1 with e set if it is not one. */
static int parse_line(const char *line, size_t len, int *clock, int64_t *ns,
		      struct qr_err *e)
{
	char name[16], shown[QR_TOKEN_BUF], buf[96], *end;
	long long sec, nsec;
	int used = 0;

	qr_err_token(shown, line, len);
	if (len >= sizeof(buf))
		return qr_err_set(e, "timens_offsets: line too long: '%s'", shown);
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (sscanf(buf, "%15s %n", name, &used) != 1 || !used)
		return qr_err_set(e, "timens_offsets: no clock in '%s'", shown);
	if (!strcmp(name, "monotonic") || !strcmp(name, "1"))
		*clock = QRI_CLOCK_MONOTONIC;
	else if (!strcmp(name, "boottime") || !strcmp(name, "7"))
		*clock = QRI_CLOCK_BOOTTIME;
	else
		return qr_err_set(e, "timens_offsets: unknown clock in '%s'", shown);
	sec = strtoll(buf + used, &end, 10);
	if (end == buf + used || (*end != ' ' && *end != '\t'))
		return qr_err_set(e, "timens_offsets: no seconds in '%s'", shown);
	used = end - buf;
	nsec = strtoll(buf + used, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == buf + used || *end)
		return qr_err_set(e, "timens_offsets: no nanoseconds in '%s'", shown);
	if (sec <= -MAX_SEC || sec >= MAX_SEC || nsec < 0 || nsec >= NS)
		return qr_err_set(e, "timens_offsets: offset out of range in '%s'", shown);
	*ns = (int64_t)sec * NS + nsec;
	return 0;
}

int qr_timens_parse(const char *text, struct qr_timens_off *o,
		    struct qr_err *e)
{
	int seen_mono = 0, seen_boot = 0;

	memset(o, 0, sizeof(*o));
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		const char *line = text;
		int clock = 0;
		int64_t ns = 0;

		text += len + (nl != NULL);
		if (!len)
			continue;
		if (parse_line(line, len, &clock, &ns, e))
			return -1;
		if (clock == QRI_CLOCK_MONOTONIC) {
			if (seen_mono++)
				return qr_err_set(e, "timens_offsets: monotonic twice");
			o->monotonic_ns = ns;
		} else {
			if (seen_boot++)
				return qr_err_set(e, "timens_offsets: boottime twice");
			o->boottime_ns = ns;
		}
	}
	if (!seen_mono || !seen_boot)
		return qr_err_set(e, "timens_offsets: monotonic or boottime missing");
	return 0;
}

/* The offset that makes a clock now at host read then + elapsed. */
static int64_t offset(uint64_t then, uint64_t elapsed, uint64_t host)
{
	uint64_t want = then + elapsed;

	if (want >= QRI_MAX_CLOCK_NS)
		want = QRI_MAX_CLOCK_NS - 1;
	if (host >= QRI_MAX_CLOCK_NS)
		host = QRI_MAX_CLOCK_NS - 1;
	return (int64_t)want - (int64_t)host;
}

void qr_timens_continue(const struct qri_clocks *k, uint64_t mono_now,
			uint64_t boot_now, uint64_t real_now,
			struct qr_timens_off *o)
{
	uint64_t elapsed = real_now > k->realtime_ns ? real_now - k->realtime_ns : 0;

	if (elapsed >= QRI_MAX_CLOCK_NS)
		elapsed = QRI_MAX_CLOCK_NS;
	o->monotonic_ns = offset(k->monotonic_ns, elapsed, mono_now);
	o->boottime_ns = offset(k->boottime_ns, elapsed, boot_now);
}

/* Seconds rounded down, nanoseconds 0..999999999: what the file takes. */
static void split(int64_t ns, long long *sec, long long *nsec)
{
	*sec = ns / NS;
	*nsec = ns % NS;
	if (*nsec < 0) {
		*sec -= 1;
		*nsec += NS;
	}
}

int qr_timens_format(const struct qr_timens_off *o, char *buf, size_t len)
{
	long long ms, mn, bs, bn;
	int n;

	split(o->monotonic_ns, &ms, &mn);
	split(o->boottime_ns, &bs, &bn);
	n = snprintf(buf, len, "monotonic %lld %lld\nboottime %lld %lld\n",
		     ms, mn, bs, bn);
	return n < 0 || (size_t)n >= len ? -1 : n;
}
