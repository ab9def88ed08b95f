/* Runs every registered test case; the last line is "N passed, N failed". */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "test.h"

#define MAX_TESTS 1024

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static size_t n_tests;
static const char *current;
static bool current_failed;

void qr_test_register(const char *name, void (*fn)(void))
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "too many tests: raise MAX_TESTS\n");
		exit(2);
	}
	tests[n_tests].name = name;
	tests[n_tests].fn = fn;
	n_tests++;
}

void qr_test_fail(const char *file, int line, const char *what)
{
	printf("FAIL %s: %s:%d: %s\n", current, file, line, what);
	current_failed = true;
}

void qr_test_fail_u64(const char *file, int line, const char *what,
		      uint64_t got, uint64_t want)
{
	printf("FAIL %s: %s:%d: %s is 0x%" PRIx64 ", want 0x%" PRIx64 "\n",
	       current, file, line, what, got, want);
	current_failed = true;
}

void qr_test_fail_str(const char *file, int line, const char *what,
		      const char *got, const char *want)
{
	printf("FAIL %s: %s:%d: %s is \"%s\", want \"%s\"\n", current, file,
	       line, what, got ? got : "(null)", want);
	current_failed = true;
}

int main(int argc, char **argv)
{
	size_t failed = 0;
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");

	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < n_tests; i++) {
		current = tests[i].name;
		current_failed = false;
		tests[i].fn();
		failed += current_failed;
		if (verbose)
			printf("%s %s\n", current_failed ? "FAIL" : "ok", current);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%zu test cases in %ld ms\n", n_tests,
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	printf("%zu passed, %zu failed\n", n_tests - failed, failed);
	return failed ? 1 : 0;
}
