/* Subcommand dispatch, usage errors and the options every command takes. */
#include "cmd/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/pid.h"

static void list_commands(FILE *out, const char *usage_head,
			  const struct qr_command *cmds)
{
	fputs(usage_head, out);
	for (const struct qr_command *c = cmds; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("Each command takes --help.\n" QR_EXIT_CODES, out);
}

int qr_dispatch(const char *usage_head, const struct qr_command *cmds,
		int argc, char **argv)
{
	if (argc < 1) {
		list_commands(stderr, usage_head, cmds);
		return QR_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") ||
	    !strcmp(argv[0], "-h")) {
		list_commands(stdout, usage_head, cmds);
		return QR_EXIT_OK;
	}
	for (const struct qr_command *c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->run(argc, argv);
	qr_error("unknown command '%s'", argv[0]);
	list_commands(stderr, usage_head, cmds);
	return QR_EXIT_USAGE;
}

int qr_parse_pid(const char *s, pid_t *pid)
{
	long v = qr_pid_parse(s);

	if (v < 0)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

int qr_parse_pids(char **args, int n, pid_t *pids, const char *cmd,
		  const char *usage)
{
	for (int i = 0; i < n; i++) {
		if (qr_parse_pid(args[i], &pids[i]) || pids[i] <= 1 ||
		    pids[i] == getpid())
			return qr_usage_error(usage, "%s: '%s' is not a PID that can be kept",
					      cmd, args[i]);
	}
	return 0;
}

int qr_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("quickreboot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return QR_EXIT_USAGE;
}

int qr_common_option(int opt, char **argv, const char *usage, int *rc)
{
	switch (opt) {
	case 'h':
		fputs(usage, stdout);
		*rc = QR_EXIT_OK;
		return -1;
	case ':':
		*rc = qr_usage_error(usage, "option '%s' needs a value", argv[optind - 1]);
		return -1;
	case '?':
		*rc = qr_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		return -1;
	default:
		return 0;
	}
}
