/* Parser of `systemctl show` output (unit_show.h). */
#define _GNU_SOURCE	/* strchrnul() */
#include "service/unit_show.h"

#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"

enum { P_ID, P_LOAD, P_ACTIVE, P_MAINPID, P_CGROUP, P_N };
static const char *const names[P_N] = {
	"Id", "LoadState", "ActiveState", "MainPID", "ControlGroup",
};

static int set(struct qr_unit_show *out, int p, const char *v, size_t len,
	       struct qr_err *e)
{
	char *dst = p == P_LOAD ? out->load_state :
		    p == P_ACTIVE ? out->active_state :
		    p == P_CGROUP ? out->cgroup : NULL;
	size_t size = p == P_CGROUP ? sizeof(out->cgroup) : sizeof(out->load_state);

	if (p == P_ID)
		return 0;
	if (p == P_MAINPID) {
		long pid = 0;

		if (!len || len > 7)
			return qr_err_set(e, "MainPID is not a PID");
		for (size_t i = 0; i < len; i++) {
			if (v[i] < '0' || v[i] > '9')
				return qr_err_set(e, "MainPID is not a PID");
			pid = pid * 10 + (v[i] - '0');
		}
		if (pid > QR_PID_MAX)
			return qr_err_set(e, "MainPID is not a PID");
		out->main_pid = pid;
		return 0;
	}
	if (len >= size)
		return qr_err_set(e, "%s is too long", names[p]);
	memcpy(dst, v, len);
	dst[len] = '\0';
	if (p == P_CGROUP && len && (dst[0] != '/' || strstr(dst, "/..")))
		return qr_err_set(e, "ControlGroup is not a cgroup path");
	return 0;
}

int qr_unit_show_parse(const char *text, struct qr_unit_show *out,
		       struct qr_err *e)
{
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	while (*text) {
		const char *nl = strchrnul(text, '\n'), *eq = memchr(text, '=', nl - text);
		int p;

		for (p = 0; eq && p < P_N; p++)
			if ((size_t)(eq - text) == strlen(names[p]) &&
			    !memcmp(text, names[p], eq - text))
				break;
		if (eq && p < P_N) {
			if (seen & (1u << p))
				return qr_err_set(e, "%s is given twice", names[p]);
			seen |= 1u << p;
			if (set(out, p, eq + 1, nl - eq - 1, e))
				return -1;
		}
		text = *nl ? nl + 1 : nl;
	}
	for (int p = 0; p < P_N; p++)
		if (!(seen & (1u << p)))
			return qr_err_set(e, "no %s", names[p]);
	return 0;
}
