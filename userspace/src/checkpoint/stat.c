/* /proc/PID/stat and /status: field positions and names are user ABI
 * (proc(5)); nothing here depends on the kernel version. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/stat.h"

/* stat fields by their number in proc(5) (1-based). */
enum { F_STATE = 3, F_PPID = 4, F_PGRP = 5, F_SESSION = 6, F_TTY_NR = 7,
       F_TPGID = 8, F_FLAGS = 9,
       F_THREADS = 20,
       F_STARTCODE = 26, F_ENDCODE = 27, F_STARTSTACK = 28,
       F_START_DATA = 45, F_END_DATA = 46, F_START_BRK = 47, F_ARG_START = 48,
       F_ARG_END = 49, F_ENV_START = 50, F_ENV_END = 51, F_EXIT_CODE = 52,
       F_LAST = 52 };

int qr_stat_parse(const char *text, struct qr_stat *st, struct qr_err *e)
{
	uint64_t f[F_LAST + 1] = { 0 };
	const char *p = strrchr(text, ')');
	int n;

	memset(st, 0, sizeof(*st));
	if (!p || p[1] != ' ' || p[2] == '\0')
		return qr_err_set(e, "stat: no command name in parentheses");
	st->state = p[2];
	p += 3;
	for (n = F_PPID; n <= F_LAST; n++) {
		char *end;

		if (*p != ' ')
			return qr_err_set(e, "stat: field %d missing", n);
		p++;
		if (*p == '-') {	/* tpgid -1 (no terminal): left 0 */
			strtoll(p, &end, 10);
		} else {
			if (*p < '0' || *p > '9')
				return qr_err_set(e, "stat: field %d is not a number", n);
			f[n] = strtoull(p, &end, 10);
		}
		p = end;
	}
	if (f[F_PPID] > UINT32_MAX || f[F_PGRP] > UINT32_MAX ||
	    f[F_SESSION] > UINT32_MAX || f[F_THREADS] > UINT32_MAX)
		return qr_err_set(e, "stat: process ids out of range");
	st->ppid = f[F_PPID];
	st->pgid = f[F_PGRP];
	st->sid = f[F_SESSION];
	st->nthreads = f[F_THREADS];
	st->tty_nr = f[F_TTY_NR] > UINT32_MAX ? 0 : f[F_TTY_NR];
	st->tpgid = f[F_TPGID] > UINT32_MAX ? 0 : f[F_TPGID];
	st->flags = f[F_FLAGS] > UINT32_MAX ? 0 : f[F_FLAGS];
	st->start_code = f[F_STARTCODE];
	st->end_code = f[F_ENDCODE];
	st->start_stack = f[F_STARTSTACK];
	st->start_data = f[F_START_DATA];
	st->end_data = f[F_END_DATA];
	st->start_brk = f[F_START_BRK];
	st->arg_start = f[F_ARG_START];
	st->arg_end = f[F_ARG_END];
	st->env_start = f[F_ENV_START];
	st->env_end = f[F_ENV_END];
	st->exit_code = f[F_EXIT_CODE] > UINT32_MAX ? UINT32_MAX : f[F_EXIT_CODE];
	return 0;
}

/* "Key:\tv1\tv2...": reads n unsigned values in base; -1 if the key is
 * missing or malformed. */
static int field(const char *text, const char *key, int base, uint32_t *v,
		 int n)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && strncmp(p, key, klen))
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return -1;
	p += klen;
	for (int i = 0; i < n; i++) {
		char *end;
		unsigned long long x;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		x = strtoull(p, &end, base);
		if (x > UINT32_MAX)
			return -1;
		v[i] = x;
		p = end;
	}
	return 0;
}

int qr_status_parse(const char *text, struct qr_status *st, struct qr_err *e)
{
	memset(st, 0, sizeof(*st));
	if (field(text, "Uid:", 10, st->uid, 4) ||
	    field(text, "Gid:", 10, st->gid, 4))
		return qr_err_set(e, "status: no Uid or Gid line");
	if (field(text, "Umask:", 8, &st->umask, 1) || st->umask > 0777)
		return qr_err_set(e, "status: no Umask line");
	if (field(text, "TracerPid:", 10, &st->tracer, 1))
		return qr_err_set(e, "status: no TracerPid line");
	return 0;
}

int qr_status_sigblk(const char *text, uint64_t *mask, struct qr_err *e)
{
	const char *p = text;
	char *end;

	while (p && strncmp(p, "SigBlk:", 7))
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return qr_err_set(e, "status: no SigBlk line");
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	*mask = strtoull(p, &end, 16);
	if (end - p != 16 || errno || (*end != '\n' && *end))
		return qr_err_set(e, "status: malformed SigBlk line");
	return 0;
}
