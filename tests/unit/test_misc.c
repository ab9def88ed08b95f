/* Small pure helpers: fsck status text, error token quoting. */
#include "lib/err.h"
#include "shelter/fsck_status.h"
#include "test.h"

TEST(fsck_status_names_bits)
{
	char buf[256];

	CHECK_STR(qr_fsck_status_text(0, buf, sizeof(buf)), "no errors");
	CHECK_STR(qr_fsck_status_text(4, buf, sizeof(buf)), "errors left uncorrected");
	CHECK_STR(qr_fsck_status_text(12, buf, sizeof(buf)),
		  "errors left uncorrected; operational error");
	CHECK_STR(qr_fsck_status_text(128, buf, sizeof(buf)), "shared-library error");
}

TEST(fsck_status_small_buffer)
{
	char buf[10];

	qr_fsck_status_text(255, buf, sizeof(buf));
	CHECK(strlen(buf) < sizeof(buf));
}

TEST(err_token_escapes_and_cuts)
{
	char out[QR_TOKEN_BUF], in[300];

	CHECK_STR(qr_err_token(out, "a\nb\x7f", 4), "a\\x0ab\\x7f");
	CHECK_STR(qr_err_token(out, "", 0), "");
	memset(in, 'x', sizeof(in));
	qr_err_token(out, in, sizeof(in));
	CHECK(strlen(out) <= QR_TOKEN_SHOWN);
	CHECK_HAS(out, "...");
	memset(in, '\x01', sizeof(in));
	qr_err_token(out, in, sizeof(in));
	CHECK(strlen(out) <= QR_TOKEN_SHOWN);
}

TEST(err_set_tolerates_null_and_truncates)
{
	struct qr_err e;
	char big[1000];

	CHECK(qr_err_set(NULL, "x") == -1);
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(qr_err_set(&e, "%s", big) == -1);
	CHECK(strlen(e.msg) == QR_ERR_MAX - 1);
}
