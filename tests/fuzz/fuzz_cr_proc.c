/* Fuzzes the /proc parsers of checkpoint (maps lines, stat, status and
 * its SigBlk line, its credential lines, smaps VmFlags, timens_offsets):
 * no crash, an accepted maps line is a non-empty range, accepted offsets
 * format back to what parses the same, accepted credentials are ordered
 * as the kernel orders them, advice is only known flags. */
#include "checkpoint/creds.h"
#include "checkpoint/maps.h"
#include "checkpoint/stat.h"
#include "fuzz_input.h"
#include "clocks/timens.h"
#include "image/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct qr_status status;
	struct qr_stat stat;
	struct qr_timens_off off;
	struct qr_map m;
	struct qr_err e;
	uint64_t sigblk;

	qr_stat_parse(s, &stat, &e);
	qr_status_parse(s, &status, &e);
	qr_status_sigblk(s, &sigblk, &e);
	{
		struct qr_creds c;
		const char *why;
		char lines[256];

		if (qr_status_creds(s, &c, &e) == 0 &&
		    (c.cap_eff & ~c.cap_prm || c.no_new_privs > 1 ||
		     (c.ngroups && !c.groups)))
			abort();
		qr_creds_free(&c);
		if (qr_vmflags_advice(s, &why) & ~(uint32_t)QRI_ADV_KNOWN)
			abort();
		qr_status_cred_lines(s, lines, sizeof(lines));
		if (strlen(lines) >= sizeof(lines))
			abort();
	}
	if (qr_timens_parse(s, &off, &e) == 0) {
		struct qr_timens_off back;
		char text[128];

		if (qr_timens_format(&off, text, sizeof(text)) < 0 ||
		    qr_timens_parse(text, &back, &e) ||
		    back.monotonic_ns != off.monotonic_ns ||
		    back.boottime_ns != off.boottime_ns)
			abort();
	}
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
