/* Shelter location from the command line, and the /proc/iomem check. */
#include "shelter/locate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/exit.h"
#include "boot/cmdline_tok.h"
#include "boot/iomem.h"
#include "lib/readfile.h"
#include "shelter/checks.h"

#define PROC_CMDLINE "/proc/cmdline"
#define PROC_IOMEM "/proc/iomem"
#define CMDLINE_MAX (64 * 1024)
#define IOMEM_MAX (4 * 1024 * 1024)

static int from_cmdline(const char *text, const char *source,
			struct qr_range *r)
{
	struct qr_cmdline cl;
	struct qr_err e;
	int rc = QR_EXIT_OK, found;

	if (qr_cmdline_parse(text, &cl, &e)) {
		qr_error("%s: %s", source, e.msg);
		return QR_EXIT_FAIL;
	}
	found = qr_shelter_from_cmdline(&cl, r, &e);
	if (found > 0) {
		qr_error("%s has no %s=SIZE@ADDR: give the shelter with --region SIZE@ADDR",
			 source, QR_SHELTER_PARAM);
		rc = QR_EXIT_FAIL;
	} else if (found < 0) {
		qr_error("%s: %s", source, e.msg);
		rc = QR_EXIT_FAIL;
	} else if (qr_shelter_check_memmap(&cl, r, &e)) {
		qr_error("%s: %s", source, e.msg);
		rc = QR_EXIT_UNSAFE;
	}
	qr_cmdline_free(&cl);
	return rc;
}

int qr_locate_shelter(const char *region_arg, const char *cmdline_text,
		      struct qr_range *r)
{
	struct qr_err e;
	char *text;
	int rc;

	if (region_arg) {
		if (qr_parse_range(region_arg, '@', r, &e)) {
			qr_error("--region: %s", e.msg);
			return QR_EXIT_USAGE;
		}
	} else if (cmdline_text) {
		rc = from_cmdline(cmdline_text, "--cmdline", r);
		if (rc)
			return rc;
	} else {
		text = qr_read_file(PROC_CMDLINE, CMDLINE_MAX);
		if (!text) {
			qr_error("cannot read %s: %s", PROC_CMDLINE, strerror(errno));
			return QR_EXIT_FAIL;
		}
		rc = from_cmdline(text, PROC_CMDLINE, r);
		free(text);
		if (rc)
			return rc;
	}
	if (qr_shelter_check_alignment(r, &e)) {
		qr_error("%s", e.msg);
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}

int qr_check_shelter_iomem(const char *iomem_path, const struct qr_range *r)
{
	const char *path = iomem_path ? iomem_path : PROC_IOMEM;
	struct qr_iomem io;
	struct qr_err e;
	char *text = qr_read_file(path, IOMEM_MAX);
	int rc = QR_EXIT_OK;

	if (!text) {
		qr_error("cannot read %s: %s", path, strerror(errno));
		return QR_EXIT_FAIL;
	}
	if (qr_iomem_parse(text, &io, &e)) {
		qr_error("%s: %s", path, e.msg);
		free(text);
		return QR_EXIT_FAIL;
	}
	if (!qr_iomem_has_addresses(&io)) {
		qr_error("%s shows no addresses: reading it needs CAP_SYS_ADMIN", path);
		rc = QR_EXIT_FAIL;
	} else if (qr_shelter_check_iomem(&io, r, &e)) {
		qr_error("%s: %s", path, e.msg);
		rc = QR_EXIT_UNSAFE;
	}
	qr_iomem_free(&io);
	free(text);
	return rc;
}
