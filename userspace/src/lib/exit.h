/* Exit codes and error messages: what every stage returns and prints, so
 * that a command passes a stage's result on as its own. */
#ifndef QR_EXIT_H
#define QR_EXIT_H

/* Exit codes, documented in every --help. */
enum {
	QR_EXIT_OK = 0,
	QR_EXIT_FAIL = 1,	/* the operation failed */
	QR_EXIT_USAGE = 2,	/* bad command line */
	QR_EXIT_UNSAFE = 3,	/* a check refused: shelter not reserved, fsck errors */
	QR_EXIT_ABI = 4,	/* a module speaks another ABI version */
};

#define QR_EXIT_CODES \
	"exit codes: 0 ok, 1 operation failed, 2 usage error, 3 check refused,\n" \
	"4 a module of another version (upgrade the side the message names)\n"

/* Prints "quickreboot: " and the message to stderr. */
void qr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
