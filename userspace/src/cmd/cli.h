/* Command line interface plumbing shared by the subcommands. */
#ifndef QR_CLI_H
#define QR_CLI_H

#include <stdio.h>
#include <sys/types.h>

#include "lib/exit.h"

struct qr_command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	const char *summary;
};

/* Runs the command named by argv[0] among cmds (NULL-terminated). "help",
 * "--help" and "-h" print usage_head and the command list. */
int qr_dispatch(const char *usage_head, const struct qr_command *cmds,
		int argc, char **argv);

/* Prints the message and usage to stderr; returns QR_EXIT_USAGE. */
int qr_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One PID, as qr_pid_parse() (lib/pid.h) reads it. Returns 0, or -1
 * (pid untouched). Pure. */
int qr_parse_pid(const char *s, pid_t *pid);

/* The PID operands args[0..n): as qr_parse_pid(), neither init nor this
 * process. Fills pids[n]; returns 0, or QR_EXIT_USAGE after naming the
 * bad one. */
int qr_parse_pids(char **args, int n, pid_t *pids, const char *cmd,
		  const char *usage);

/* For getopt_long(): the usual handling of '?', ':' and 'h'. Returns -1
 * when opt was one of them and the command must return *rc. */
int qr_common_option(int opt, char **argv, const char *usage, int *rc);

#endif
