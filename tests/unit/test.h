/* A minimal test runner: TEST(name) { CHECK(...); } registers a case. */
#ifndef QR_TEST_H
#define QR_TEST_H

#include <stdint.h>
#include <string.h>

void qr_test_register(const char *name, void (*fn)(void));
void qr_test_fail(const char *file, int line, const char *what);
void qr_test_fail_u64(const char *file, int line, const char *what,
		      uint64_t got, uint64_t want);
void qr_test_fail_str(const char *file, int line, const char *what,
		      const char *got, const char *want);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void register_##name(void) \
	{								\
		qr_test_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			qr_test_fail(__FILE__, __LINE__, #cond);	\
	} while (0)

#define CHECK_U64(got, want)						\
	do {								\
		uint64_t g_ = (got), w_ = (want);			\
		if (g_ != w_)						\
			qr_test_fail_u64(__FILE__, __LINE__, #got, g_, w_); \
	} while (0)

#define CHECK_STR(got, want)						\
	do {								\
		const char *g_ = (got), *w_ = (want);			\
		if (!g_ || strcmp(g_, w_))				\
			qr_test_fail_str(__FILE__, __LINE__, #got, g_, w_); \
	} while (0)

/* The error message contains needle (e.g. the offending token). */
#define CHECK_HAS(haystack, needle)					\
	do {								\
		const char *h_ = (haystack), *n_ = (needle);		\
		if (!strstr(h_, n_))					\
			qr_test_fail_str(__FILE__, __LINE__, "message lacks needle", h_, n_); \
	} while (0)

#endif
