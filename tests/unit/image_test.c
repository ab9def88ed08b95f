/* See image_test.h. */
#include "image_test.h"

#include "test.h"

int qrt_image_parse(struct qri_writer *w, struct qri_image *img,
		    struct qr_err *e)
{
	int rc;

	CHECK(qri_finish(w) == 0);
	rc = qri_parse(w->buf, w->len, img, e);
	qri_writer_free(w);
	return rc;
}

void qrt_image_refused(struct qri_writer *w, const char *needle)
{
	struct qri_image img;
	struct qr_err e = { "" };

	CHECK(qrt_image_parse(w, &img, &e) == -1);
	CHECK_HAS(e.msg, needle);
}
