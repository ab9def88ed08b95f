/* Command line interface plumbing shared by the subcommands. */
#ifndef QR_CLI_H
#define QR_CLI_H

#include <stdio.h>
#include <sys/types.h>

/* Exit codes, documented in every --help. */
enum {
	QR_EXIT_OK = 0,
	QR_EXIT_FAIL = 1,	/* the operation failed */
	QR_EXIT_USAGE = 2,	/* bad command line */
	QR_EXIT_UNSAFE = 3,	/* a check refused: shelter not reserved, fsck errors */
};

#define QR_EXIT_CODES \
	"exit codes: 0 ok, 1 operation failed, 2 usage error, 3 check refused\n"

struct qr_command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	const char *summary;
};

/* Runs the command named by argv[0] among cmds (NULL-terminated). "help",
 * "--help" and "-h" print usage_head and the command list. */
int qr_dispatch(const char *usage_head, const struct qr_command *cmds,
		int argc, char **argv);

/* Prints "quickreboot: " and the message to stderr. */
void qr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the message and usage to stderr; returns QR_EXIT_USAGE. */
int qr_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The PID operands args[0..n): decimal, neither init nor this process.
 * Fills pids[n]; returns 0, or QR_EXIT_USAGE after naming the bad one. */
int qr_parse_pids(char **args, int n, pid_t *pids, const char *cmd,
		  const char *usage);

/* For getopt_long(): the usual handling of '?', ':' and 'h'. Returns -1
 * when opt was one of them and the command must return *rc. */
int qr_common_option(int opt, char **argv, const char *usage, int *rc);

/* Runs another command's function with a NULL-terminated argv (argv[0] its
 * name), getopt reset. */
int qr_subcommand(int (*cmd)(int, char **), char **argv);

#endif
