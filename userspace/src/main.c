/* quickreboot: keep chosen processes across a kernel update by kexec. */
#include <stdio.h>
#include <string.h>

#define QR_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: quickreboot COMMAND [ARGS]\n"
		"  version    print the version\n"
		"  help       this text\n"
		"exit codes: 0 success, 2 usage error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "version")) {
		printf("quickreboot %s\n", QR_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "quickreboot: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
