/* See zc_mode.h. */
#include "boot/zc_mode.h"

#include <stdbool.h>
#include <string.h>

#include "boot/cmdline_tok.h"

/* A whole word of the "flags" line. */
static bool cpu_flag(const char *cpuinfo, const char *flag)
{
	const char *line = strstr(cpuinfo, "\nflags");
	size_t n = strlen(flag);

	if (!line)
		return false;
	line = strchr(line, ':');
	for (const char *p = line; p && *p && *p != '\n'; p++)
		if ((p[-1] == ' ' || p[-1] == ':') && !strncmp(p, flag, n) &&
		    (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static bool ibt_off(const char *cmdline)
{
	struct qr_cmdline cl;
	const struct qr_param *p;
	bool off;

	if (qr_cmdline_parse(cmdline, &cl, NULL))
		return false;
	p = qr_cmdline_find_last(&cl, "ibt");
	off = p && p->value && !strcmp(p->value, "off");
	qr_cmdline_free(&cl);
	return off;
}

const char *qr_zc_blocker(const char *cpuinfo, const char *config,
			  const char *cmdline)
{
	if (!cpuinfo || !cpu_flag(cpuinfo, "ibt"))
		return NULL;
	if (!config || !strstr(config, "\nCONFIG_X86_KERNEL_IBT=y"))
		return NULL;
	if (ibt_off(cmdline))
		return NULL;
	return "the CPU enforces IBT and the New kernel is built with it (CONFIG_X86_KERNEL_IBT=y): "
		"the restore module cannot call the kernel functions that adopt frames (add ibt=off to adopt them)";
}
