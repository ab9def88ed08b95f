/* Fuzzes the /proc parsers of checkpoint (maps lines, stat, status and
 * its SigBlk line): no crash, and an accepted maps line is a non-empty
 * range. */
#include "capture_maps.h"
#include "capture_stat.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct qr_status status;
	struct qr_stat stat;
	struct qr_map m;
	struct qr_err e;
	uint64_t sigblk;

	qr_stat_parse(s, &stat, &e);
	qr_status_parse(s, &status, &e);
	qr_status_sigblk(s, &sigblk, &e);
	if (qr_maps_line(s, &m, &e) == 0) {
		uint32_t flags;
		const char *why;

		if (m.start >= m.end)
			abort();
		if (qr_map_classify(&m, &flags, &why) < 0 && !why)
			abort();
	}
	free(s);
	return 0;
}
